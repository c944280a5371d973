package dev.backendpatterns.ratelimiter;

import dev.backendpatterns.common.cli.CommandRunner;
import dev.backendpatterns.common.cli.DurationConverter;
import dev.backendpatterns.common.cli.LoadOptions;
import dev.backendpatterns.common.cli.OutputOptions;
import dev.backendpatterns.common.cli.ParsingConverter;
import dev.backendpatterns.common.cli.RedisEndpointOptions;
import dev.backendpatterns.common.cli.ServerOptions;
import dev.backendpatterns.common.cli.UsageException;
import dev.backendpatterns.common.load.LoadPlan;
import dev.backendpatterns.common.load.Measurement;
import dev.backendpatterns.common.load.Operation;
import dev.backendpatterns.common.redis.MasterKill;
import dev.backendpatterns.common.redis.RedisConnection;
import dev.backendpatterns.common.redis.RedisTarget;
import dev.backendpatterns.common.report.Parameters;
import dev.backendpatterns.common.run.PatternResult;
import dev.backendpatterns.common.run.PatternRun;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code java -jar rate-limiter.jar}: benchmarks one rate-limiting algorithm on Redis. */
@Command(name = "rate-limiter", mixinStandardHelpOptions = true, sortOptions = false,
        version = "backend-patterns rate-limiter 0.1.0",
        subcommands = AccuracyCommand.class,
        description = {
            "Sends requests through a rate limiter on Redis, at most --semaphore in flight, and reports throughput, "
                    + "latency percentiles, outcomes (allowed, throttled, error) and memory.",
            "Without --redis or --redis-cluster it starts its own Redis (with --cluster, a Redis Cluster).",
            "Exit codes: 0 done, 1 failure, 2 bad input, 3 done but some requests failed or timed out, 130 stopped by Ctrl-C (after reporting what ran)."})
public final class RateLimiterCommand implements Callable<Integer> {
    static final String ALLOWED = "allowed";
    static final String THROTTLED = "throttled";

    @Option(names = {"--algorithm", "-algorithm"}, defaultValue = "token_bucket", converter = AlgorithmConverter.class,
            paramLabel = "NAME", description = "token_bucket (default), sliding_window_log, sliding_window_counter, fixed_window, "
                    + "gcra; noop (the one-script ceiling); bucket4j, redisson (peers, for comparison).")
    Algorithm algorithm;

    @Option(names = {"--ttlms", "-ttlms"}, defaultValue = "1000", paramLabel = "MS",
            description = "Window length in ms for the window algorithms (default: ${DEFAULT-VALUE}).")
    long ttlms;

    @Option(names = {"--threshold", "-threshold"}, defaultValue = "1000", paramLabel = "N",
            description = "Requests admitted per window for the window algorithms (default: ${DEFAULT-VALUE}).")
    long threshold;

    @Option(names = {"--refill-rate", "-refillRate"}, defaultValue = "1000", paramLabel = "PER_SECOND",
            description = "Tokens added per second for the bucket algorithms (default: ${DEFAULT-VALUE}).")
    double refillRate;

    @Option(names = {"--bucket-size", "-bucketSize"}, defaultValue = "1000", paramLabel = "N",
            description = "Bucket capacity (burst) for the bucket algorithms (default: ${DEFAULT-VALUE}).")
    long bucketSize;

    @Option(names = "--keys", defaultValue = "1", paramLabel = "N",
            description = "Distinct identities limited; 1 = one hot key, as the reference (default: ${DEFAULT-VALUE}).")
    int keys;

    @Option(names = "--key-distribution", defaultValue = "uniform", paramLabel = "uniform|zipf",
            description = "How requests pick an identity (default: ${DEFAULT-VALUE}).")
    KeyChooser.Distribution distribution;

    @Option(names = "--zipf-exponent", defaultValue = "0.99", paramLabel = "S",
            description = "Skew of --key-distribution=zipf (default: ${DEFAULT-VALUE}, as YCSB).")
    double zipfExponent;

    @Option(names = "--on-error", defaultValue = "allow", paramLabel = "allow|deny",
            description = "Decision when Redis fails: allow (fail open, default) or deny. Errors are counted either way.")
    OnError onError;

    @Option(names = "--auto-flush",
            description = "Write every command at once instead of batching writes between waits (Lettuce's default behaviour).")
    boolean autoFlush;

    @Option(names = "--coalesce", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Decide requests for the same key that wait for the same write with one script call "
                    + "(default: on; --no-coalesce = one script call per request, as the reference).")
    boolean coalesce;

    @Option(names = "--batch", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Decide the keys whose requests wait for the same write with one script call of up to "
                    + "--batch-size keys (on a cluster, keys of one slot only); decisions are the same as one call per key "
                    + "(default: on; --no-batch = one call per key).")
    boolean batch;

    @Option(names = "--batch-size", defaultValue = "" + LuaRateLimiter.DEFAULT_BATCH_KEYS, paramLabel = "KEYS",
            description = "Most keys one script call decides with --batch (1.." + LuaRateLimiter.MAX_BATCH + ", default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--cross-slot-batch",
            description = "On a Redis Cluster, batch the keys of one master across slots: one key declared, the others in "
                    + "ARGV, with the allow-cross-slot-keys script flag (Redis 7.0+). Off by default: it relies on undeclared "
                    + "keys, which managed services may forbid; a refusing node gets the keys again one slot per call.")
    boolean crossSlotBatch;

    @Option(names = "--slot-groups", defaultValue = "0", paramLabel = "G",
            description = "Name the identities with G hash tags (identity i gets the tag of group i mod G, the tags' slots "
                    + "spread evenly), so that on a Redis Cluster the identities of one group share a slot and --batch "
                    + "decides them in one call; fewer groups make bigger batches and coarser load on each master "
                    + "(0..16384; default 0: every identity its own hash tag).")
    int slotGroups;

    @Option(names = "--kill-master-after", converter = DurationConverter.class, paramLabel = "TIME",
            description = "With the embedded Redis Cluster: SIGKILL the master of key 0 this long into the measured run "
                    + "(e.g. 5s); the run goes on through the failover and reports its errors, their window and key 0's "
                    + "admissions against its limit.")
    Duration killMasterAfter;

    @Option(names = "--seed", paramLabel = "N", description = "Seed of the key choice (default: random).")
    Long seed;

    @Mixin
    LoadOptions load;

    @Mixin
    OutputOptions output;

    @Spec
    CommandSpec spec;

    @Mixin
    RedisEndpointOptions endpoint;

    @Mixin
    ServerOptions servers;

    /** What a request that got no answer from Redis is taken as. */
    enum OnError { ALLOW, DENY }

    public static void main(String[] args) {
        System.exit(CommandRunner.run(new RateLimiterCommand(), args));
    }

    @Override
    public Integer call() throws Exception {
        Limits limits = UsageException.fromFlags(() -> new Limits(refillRate, bucketSize, ttlms, threshold));
        LoadPlan requested = load.plan();
        LoadPlan plan = requested.inFlight() > RedisTarget.REQUEST_QUEUE_SIZE
                ? requested.withInFlight(RedisTarget.REQUEST_QUEUE_SIZE) : requested;
        if (plan != requested) {
            System.err.printf("rate-limiter: --semaphore %,d is more than a connection may queue; %,d in flight instead%n",
                    requested.inFlight(), RedisTarget.REQUEST_QUEUE_SIZE);
        }
        UsageException.require(keys >= 1, "--keys must be at least 1, was " + keys);
        UsageException.fromFlags(() -> new KeySpace("check", 1, slotGroups)); // checks --slot-groups now
        UsageException.require(batchSize >= 1 && batchSize <= LuaRateLimiter.MAX_BATCH,
                "--batch-size must be 1.." + LuaRateLimiter.MAX_BATCH + ", was " + batchSize);
        int batchKeys = batch ? batchSize : 1;
        UsageException.fromFlags(() -> new KeyChooser(keys, distribution, zipfExponent, 0)); // checks the distribution now
        long keySeed = seed != null ? seed : ThreadLocalRandom.current().nextLong();
        String tag = Long.toString(ThreadLocalRandom.current().nextLong() >>> 24, 36);

        return PatternRun.execute("rate-limiter", spec.commandLine().getParseResult().originalArgs(), output, run -> {
            RedisTarget target = run.use(RedisTarget.open(endpoint, servers, System.err));
            RedisConnection connection = target.connect();
            if (!autoFlush && algorithm.scripted()) {
                connection.batchWrites();
            }
            KeySpace warmupKeys = new KeySpace(tag + ":warmup", keys, slotGroups);
            KeySpace runKeys = new KeySpace(tag, keys, slotGroups);
            try (MasterKill kill = killMasterAfter == null ? null : new MasterKill(target, runKeys.name(0), killMasterAfter);
                    RateLimiter warmup = RateLimiters.create(algorithm, limits, warmupKeys, target, connection, tag + "w", coalesce, batchKeys, crossSlotBatch);
                    RateLimiter limiter = RateLimiters.create(algorithm, limits, runKeys, target, connection, tag, coalesce, batchKeys, crossSlotBatch)) {
                FailoverWatch failover = kill == null ? null : new FailoverWatch(kill);
                Measurement m = run.run(run.runner(target.timeout(), List.of()),
                        operation(warmup, new KeyChooser(keys, distribution, zipfExponent, keySeed ^ 1), false, null),
                        operation(limiter, new KeyChooser(keys, distribution, zipfExponent, keySeed), run.verbose(), failover), plan);
                Map<String, Object> figures = new LinkedHashMap<>();
                long failed = m.failed();
                figures.put("admitted", m.outcome(ALLOWED) + (onError == OnError.ALLOW ? failed : 0));
                figures.put("on_error", onError.name().toLowerCase(Locale.ROOT));
                if (limiter instanceof LuaRateLimiter lua && lua.decisions() > 0) {
                    figures.put("script_calls", lua.scriptCalls());
                    figures.put("script_calls_per_decision", (double) lua.scriptCalls() / lua.decisions());
                    if (crossSlotBatch) {
                        figures.put("cross_slot_fallbacks", lua.crossSlotFallbacks());
                    }
                }
                if (failover != null) {
                    figures.put("failover", failover.figures(algorithm.family() == Algorithm.Family.BUCKET
                            ? (long) Math.floor(limits.bucketSize() + limits.refillRate() * m.elapsedSeconds()) : null));
                }
                figures.put("keys_deleted", deleteQuietly(warmup) + deleteQuietly(limiter));
                return PatternResult.of(parameters(limits, plan, keySeed), m, figures);
            }
        });
    }

    private Operation operation(RateLimiter limiter, KeyChooser chooser, boolean verbose, FailoverWatch failover) {
        return new Operation() {
            @Override
            public CompletionStage<String> start(long index) {
                int key = chooser.next();
                CompletionStage<Long> decision = limiter.acquire(key, index);
                if (failover != null) {
                    failover.started();
                    decision = decision.whenComplete((d, e) -> failover.decided(key, d, e));
                }
                if (verbose) {
                    decision = decision.whenComplete((d, e) -> System.out.println("request " + index + " key " + key + ": "
                            + (e != null ? "error " + e.getMessage() + " (" + onError.name().toLowerCase(Locale.ROOT) + ")"
                                    : Decision.describe(d))));
                }
                return decision.thenApply(d -> d >= 0 ? ALLOWED : THROTTLED);
            }

            @Override
            public void flush() {
                limiter.flush();
            }
        };
    }

    private static long deleteQuietly(RateLimiter limiter) {
        try {
            return limiter.deleteState();
        } catch (RuntimeException e) {
            System.err.println("rate-limiter: cannot delete the run's keys: " + e.getMessage());
            return 0;
        }
    }

    private Parameters parameters(Limits limits, LoadPlan plan, long keySeed) {
        Parameters p = new Parameters();
        p.put("--algorithm", "algorithm", algorithm.id());
        p.put("--refill-rate", "refill_rate", limits.refillRate());
        p.put("--bucket-size", "bucket_size", limits.bucketSize());
        p.put("--ttlms", "ttlms", limits.windowMillis());
        p.put("--threshold", "threshold", limits.threshold());
        p.put("--requests", "requests", plan.timed() ? null : plan.requests());
        p.put("--duration", "duration_s", plan.timed() ? plan.duration().toMillis() / 1000.0 : null);
        p.put("--semaphore", "semaphore", plan.inFlight());
        p.put("--rate", "rate_per_s", plan.ratePerSecond());
        p.put("--warmup", "warmup", plan.warmup().toString());
        p.put("--keys", "keys", keys);
        p.put("--key-distribution", "key_distribution", distribution.name().toLowerCase(Locale.ROOT));
        if (distribution == KeyChooser.Distribution.ZIPF) {
            p.put("--zipf-exponent", "zipf_exponent", zipfExponent);
        }
        p.put("--seed", "seed", keySeed);
        p.put("--[no-]coalesce", "coalesce", coalesce && algorithm.scripted() && algorithm != Algorithm.NOOP);
        boolean batched = batch && algorithm.scripted() && algorithm != Algorithm.NOOP;
        p.put("--[no-]batch", "batch", batched);
        p.put("--batch-size", "batch_size", batched ? batchSize : null);
        p.put("--cross-slot-batch", "cross_slot_batch", batched && crossSlotBatch);
        p.put("--slot-groups", "slot_groups", slotGroups);
        p.put("--auto-flush", "auto_flush", autoFlush);
        p.put("--timeout-ms", "timeout_ms", servers.timeout().toMillis());
        p.put("--kill-master-after", "kill_master_after_s", killMasterAfter == null ? null : killMasterAfter.toMillis() / 1000.0);
        return p;
    }

    /** Parses algorithm names with a message that lists the valid ones. */
    static final class AlgorithmConverter extends ParsingConverter<Algorithm> {
        AlgorithmConverter() {
            super(Algorithm::parse);
        }
    }
}
