package dev.backendpatterns.ratelimiter;

import dev.backendpatterns.common.cli.CommandRunner;
import dev.backendpatterns.common.cli.LoadOptions;
import dev.backendpatterns.common.cli.RedisEndpointOptions;
import dev.backendpatterns.common.cli.ServerOptions;
import dev.backendpatterns.common.load.LoadPlan;
import dev.backendpatterns.common.load.LoadRunner;
import dev.backendpatterns.common.load.Measurement;
import dev.backendpatterns.common.load.Operation;
import dev.backendpatterns.common.redis.RedisConnection;
import dev.backendpatterns.common.redis.RedisTarget;
import dev.backendpatterns.common.report.HeapSampler;
import dev.backendpatterns.common.report.RunReport;
import dev.backendpatterns.common.report.ServerMemory;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code java -jar rate-limiter.jar}: benchmarks one rate-limiting algorithm on Redis. */
@Command(name = "rate-limiter", mixinStandardHelpOptions = true, sortOptions = false,
        version = "backend-patterns rate-limiter 0.1.0",
        subcommands = AccuracyCommand.class,
        description = {
            "Sends requests through a rate limiter on Redis, at most --semaphore in flight, and reports throughput, "
                    + "latency percentiles, outcomes (allowed, throttled, error) and memory.",
            "Without --redis or --redis-cluster it starts its own Redis (with --cluster, a Redis Cluster).",
            "Exit codes: 0 done, 1 failure, 2 bad input, 3 done but some requests failed."})
public final class RateLimiterCommand implements Callable<Integer> {
    static final String ALLOWED = "allowed";
    static final String THROTTLED = "throttled";
    /** Exit code of a run that finished but counted failed requests. */
    static final int REQUESTS_FAILED = 3;

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

    @Option(names = "--seed", paramLabel = "N", description = "Seed of the key choice (default: random).")
    Long seed;

    @Mixin
    LoadOptions load;

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
    public Integer call() {
        Limits limits = new Limits(refillRate, bucketSize, ttlms, threshold);
        LoadPlan plan = load.plan();
        if (plan.inFlight() > RedisTarget.REQUEST_QUEUE_SIZE) {
            System.err.printf("rate-limiter: --semaphore %,d is more than a connection may queue; %,d in flight instead%n",
                    plan.inFlight(), RedisTarget.REQUEST_QUEUE_SIZE);
            plan = plan.withInFlight(RedisTarget.REQUEST_QUEUE_SIZE);
        }
        if (keys < 1) {
            throw new IllegalArgumentException("--keys must be at least 1, was " + keys);
        }
        new KeyChooser(keys, distribution, zipfExponent, 0); // validates the distribution's parameters up front
        long keySeed = seed != null ? seed : ThreadLocalRandom.current().nextLong();
        String tag = Long.toString(ThreadLocalRandom.current().nextLong() >>> 24, 36);
        PrintStream out = System.out;

        try (RedisTarget target = RedisTarget.open(endpoint, servers, System.err); HeapSampler heap = new HeapSampler()) {
            ServerMemory before = target.memory();
            Map<String, Object> backend = target.describe();
            RedisConnection connection = target.connect();
            if (!autoFlush && algorithm.scripted()) {
                connection.batchWrites();
            }
            KeySpace warmupKeys = new KeySpace(tag + ":warmup", keys);
            KeySpace runKeys = new KeySpace(tag, keys);
            try (RateLimiter warmup = RateLimiters.create(algorithm, limits, warmupKeys, target, connection, tag + "w", coalesce);
                    RateLimiter limiter = RateLimiters.create(algorithm, limits, runKeys, target, connection, tag, coalesce)) {
                LoadRunner runner = new LoadRunner(target.timeout().plusSeconds(5), load.progress() ? System.err : null);
                Measurement m = runner.run(operation(warmup, new KeyChooser(keys, distribution, zipfExponent, keySeed ^ 1), false),
                        operation(limiter, new KeyChooser(keys, distribution, zipfExponent, keySeed), load.verbose()), plan);
                ServerMemory after = memoryOrNull(target);
                Map<String, Object> extra = new LinkedHashMap<>();
                long errors = m.outcome(LoadRunner.ERROR);
                extra.put("admitted", m.outcome(ALLOWED) + (onError == OnError.ALLOW ? errors : 0));
                extra.put("on_error", onError.name().toLowerCase(java.util.Locale.ROOT));
                extra.put("keys_deleted", deleteQuietly(warmup) + deleteQuietly(limiter));
                RunReport report = new RunReport("rate-limiter", parameters(limits, plan, keySeed), backend, m,
                        before, after, heap.peakBytes(), extra);
                report.print(out);
                if (load.json() != null) {
                    report.writeJson(load.json());
                }
                if (load.hgrm() != null) {
                    report.writeHgrm(load.hgrm());
                }
                return errors > 0 ? REQUESTS_FAILED : 0;
            }
        }
    }

    private Operation operation(RateLimiter limiter, KeyChooser chooser, boolean verbose) {
        return new Operation() {
            @Override
            public CompletionStage<String> start(long index) {
                int key = chooser.next();
                CompletionStage<Long> decision = limiter.acquire(key, index);
                if (verbose) {
                    decision = decision.whenComplete((d, e) -> System.out.println("request " + index + " key " + key + ": "
                            + (e != null ? "error " + e.getMessage() + " (" + onError.name().toLowerCase(java.util.Locale.ROOT) + ")"
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

    private static ServerMemory memoryOrNull(RedisTarget target) {
        try {
            return target.memory();
        } catch (RuntimeException e) {
            System.err.println("rate-limiter: cannot read server memory after the run: " + e.getMessage());
            return null;
        }
    }

    private static long deleteQuietly(RateLimiter limiter) {
        try {
            return limiter.deleteState();
        } catch (RuntimeException e) {
            System.err.println("rate-limiter: cannot delete the run's keys: " + e.getMessage());
            return 0;
        }
    }

    private Map<String, Object> parameters(Limits limits, LoadPlan plan, long keySeed) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("algorithm", algorithm.id());
        p.putAll(limits.toMap());
        p.put("requests", plan.timed() ? null : plan.requests());
        p.put("duration_s", plan.timed() ? plan.duration().toMillis() / 1000.0 : null);
        p.put("semaphore", plan.inFlight());
        p.put("rate_per_s", plan.ratePerSecond());
        p.put("warmup", plan.warmupRequests());
        p.put("keys", keys);
        p.put("key_distribution", distribution.name().toLowerCase(java.util.Locale.ROOT));
        if (distribution == KeyChooser.Distribution.ZIPF) {
            p.put("zipf_exponent", zipfExponent);
        }
        p.put("seed", keySeed);
        p.put("coalesce", coalesce && algorithm.scripted() && algorithm != Algorithm.NOOP);
        p.put("auto_flush", autoFlush);
        p.put("timeout_ms", servers.timeout().toMillis());
        return p;
    }

    /** Parses algorithm names with a message that lists the valid ones. */
    static final class AlgorithmConverter implements ITypeConverter<Algorithm> {
        @Override
        public Algorithm convert(String value) {
            try {
                return Algorithm.parse(value);
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
