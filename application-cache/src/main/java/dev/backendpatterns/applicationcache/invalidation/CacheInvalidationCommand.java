package dev.backendpatterns.applicationcache.invalidation;

import dev.backendpatterns.common.cli.LoadOptions;
import dev.backendpatterns.common.cli.OutputOptions;
import dev.backendpatterns.common.cli.ParsingConverter;
import dev.backendpatterns.common.cli.RedisEndpointOptions;
import dev.backendpatterns.common.cli.ServerOptions;
import dev.backendpatterns.common.cli.UsageException;
import dev.backendpatterns.common.cql.CqlEndpointOptions;
import dev.backendpatterns.common.cql.CqlTarget;
import dev.backendpatterns.common.load.LoadPlan;
import dev.backendpatterns.common.load.LoadRunner;
import dev.backendpatterns.common.load.Measurement;
import dev.backendpatterns.common.redis.RedisTarget;
import dev.backendpatterns.common.report.Parameters;
import dev.backendpatterns.common.run.PatternResult;
import dev.backendpatterns.common.run.PatternRun;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;

/**
 * {@code application-cache cache-invalidation}: the reference's scripted demonstration, and a load mode that counts
 * stale reads of each invalidation strategy under injected failures and races.
 */
@Command(name = "cache-invalidation", aliases = "cache_invalidation", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Cache-aside on Redis in front of ScyllaDB/Cassandra. Without load flags, the reference's demonstration: a write "
                    + "whose cache update fails leaves a stale entry ([NG]) unless the entry is deleted first ([OK]).",
            "With --duration or --requests, a load of writers and readers under one --strategy, with failures injected "
                    + "between the store write and the cache update (--failure-rate) and a delay before each fill "
                    + "(--fill-delay-ms), counting stale reads exactly.",
            "Without --redis/--cql it starts an embedded Redis (a Redis Cluster with --cluster) and an embedded Cassandra."})
public final class CacheInvalidationCommand implements Callable<Integer> {

    @Option(names = "--scenario", description = "Run the reference's scripted demonstration (the default without load flags).")
    boolean scenario;

    @Option(names = "--strategy", defaultValue = "invalidate", converter = StrategyConverter.class, paramLabel = "NAME",
            description = "none, invalidate (default, the reference's fix), delete-after, double-delete, versioned, lease.")
    Strategy strategy;

    @Option(names = "--keys", defaultValue = "100", paramLabel = "N", description = "Users written and read (default: ${DEFAULT-VALUE}).")
    int keys;

    @Option(names = "--write-ratio", defaultValue = "0.1", paramLabel = "P", description = "Share of requests that write (default: ${DEFAULT-VALUE}).")
    double writeRatio;

    @Option(names = "--failure-rate", defaultValue = "0.01", paramLabel = "P",
            description = "Chance that a write fails between its store write and its cache step (default: ${DEFAULT-VALUE}).")
    double failureRate;

    @Option(names = "--fill-delay-ms", defaultValue = "2", paramLabel = "MS",
            description = "Delay between a reader's store read and its cache fill: the race's window (default: ${DEFAULT-VALUE}).")
    long fillDelayMillis;

    @Option(names = "--double-delete-delay-ms", defaultValue = "20", paramLabel = "MS",
            description = "Delay of double-delete's second delete (default: ${DEFAULT-VALUE}).")
    long doubleDeleteDelayMillis;

    @Option(names = "--cache-ttl-ms", defaultValue = "60000", paramLabel = "MS", description = "Time to live of cache entries (default: ${DEFAULT-VALUE}).")
    long cacheTtlMillis;

    @Option(names = "--lease-ms", defaultValue = "1000", paramLabel = "MS", description = "Time to live of a lease (default: ${DEFAULT-VALUE}).")
    long leaseMillis;

    @Option(names = "--wait", paramLabel = "wait|waitaof|none",
            description = "On a cluster, what each cache write waits for: WAIT (default with --cluster), WAITAOF (Redis 7.2+, Valkey) or nothing.")
    String waitMode;

    @Option(names = {"--numreplicas", "-numreplicas"}, defaultValue = "1", paramLabel = "N",
            description = "Replicas a cache write waits for (default: ${DEFAULT-VALUE}).")
    int numReplicas;

    @Option(names = {"--wait-timeout-ms", "-timeout"}, defaultValue = "4000", paramLabel = "MS",
            description = "How long WAIT or WAITAOF waits (default: ${DEFAULT-VALUE}).")
    long waitTimeoutMillis;

    @Option(names = "--appendfsync", defaultValue = "everysec", paramLabel = "always|everysec",
            description = {"With --wait=waitaof, the embedded servers' fsync policy (default: ${DEFAULT-VALUE}, as Redis). "
                    + "WAITAOF waits for the replicas' fsync: about 1 s with everysec, a disk write with always."})
    String appendFsync;

    @Option(names = "--seed", paramLabel = "N", description = "Seed of the schedule (users, reads or writes, failures); default: random.")
    Long seed;

    @Option(names = "--keep-data", description = "Leave the run's rows and cache entries in place.")
    boolean keepData;

    @Mixin
    LoadOptions load;

    @Mixin
    OutputOptions output;

    @Mixin
    RedisEndpointOptions redis;

    @Mixin
    CqlEndpointOptions cql;

    @Mixin
    ServerOptions servers;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        ParseResult parsed = spec.commandLine().getParseResult();
        boolean loadMode = !scenario && (parsed.hasMatchedOption("--duration") || parsed.hasMatchedOption("--requests")
                || parsed.hasMatchedOption("--strategy"));
        UsageException.require(keys >= 1, "--keys must be at least 1, was " + keys);
        UsageException.require(writeRatio >= 0 && writeRatio <= 1, "--write-ratio must be between 0 and 1, was " + writeRatio);
        UsageException.require(failureRate >= 0 && failureRate <= 1, "--failure-rate must be between 0 and 1, was " + failureRate);
        UsageException.require(fillDelayMillis >= 0 && doubleDeleteDelayMillis >= 0, "delays must not be negative");
        UsageException.require(cacheTtlMillis >= 1 && leaseMillis >= 1, "--cache-ttl-ms and --lease-ms must be positive");
        boolean cluster = redis.cluster(servers);
        ReplicaWait.Mode mode = waitMode == null ? (cluster ? ReplicaWait.Mode.WAIT : ReplicaWait.Mode.NONE)
                : UsageException.fromFlags(() -> ReplicaWait.parse(waitMode));
        ReplicaWait wait = UsageException.fromFlags(() -> new ReplicaWait(mode, numReplicas, waitTimeoutMillis));
        LoadPlan plan = loadMode ? load.plan() : null;
        long scheduleSeed = seed != null ? seed : ThreadLocalRandom.current().nextLong();
        String run = Long.toString(ThreadLocalRandom.current().nextLong() >>> 24, 36);
        UsageException.require(appendFsync.equals("always") || appendFsync.equals("everysec"),
                "--appendfsync takes always or everysec, not '" + appendFsync + "'");
        UsageException.require(!parsed.hasMatchedOption("--appendfsync") || (mode == ReplicaWait.Mode.WAITAOF && redis.embedded()),
                "--appendfsync sets the embedded servers' policy with --wait=waitaof; configure an external server's yourself");
        List<String> serverArgs = mode == ReplicaWait.Mode.WAITAOF ? List.of("--appendonly", "yes", "--appendfsync", appendFsync) : List.of();
        if (!loadMode) {
            return scenario(run, wait, serverArgs);
        }

        return PatternRun.execute("cache-invalidation", parsed.originalArgs(), output, context -> {
            RedisTarget cacheTarget = context.use(RedisTarget.open(redis, servers, System.err, serverArgs));
            requireReplicas(cacheTarget, wait);
            CqlTarget storeTarget = context.use(CqlTarget.open(cql, servers.withCluster(false), 0, System.err));
            LoginCache cache = LoginCache.open(cacheTarget, run, wait, Duration.ofMillis(cacheTtlMillis), Duration.ofMillis(leaseMillis));
            requireWaitAof(cache, wait);
            LoginStore store = new LoginStore(storeTarget);
            CacheAside aside = new CacheAside(strategy, store, cache, fillDelayMillis, doubleDeleteDelayMillis);
            StaleReadChecker warmupChecker = new StaleReadChecker(keys);
            StaleReadChecker checker = new StaleReadChecker(keys);
            InvalidationWorkload warmup = new InvalidationWorkload(aside, warmupChecker, run + "w", keys, writeRatio, failureRate, scheduleSeed ^ 1);
            InvalidationWorkload workload = new InvalidationWorkload(aside, checker, run, keys, writeRatio, failureRate, scheduleSeed);
            Duration timeout = Duration.ofMillis(Math.max(5_000, servers.timeout().toMillis() + waitTimeoutMillis));
            LoadRunner runner = new LoadRunner(context.settings(timeout, List.of()).withLatencyByOutcome(true));
            Measurement m = context.run(runner, warmup, workload, plan);
            Map<String, Object> figures = new LinkedHashMap<>();
            figures.put("invalidation", figures(m, checker, cache, wait, workload.users()));
            if (!keepData) {
                List<String> all = new ArrayList<>(workload.users());
                all.addAll(warmup.users());
                figures.put("cache_keys_deleted", cache.deleteAll(all));
                figures.put("rows_deleted", store.delete(all));
            }
            return PatternResult.of(parameters(plan, wait, scheduleSeed), m, figures);
        });
    }

    private Map<String, Object> figures(Measurement m, StaleReadChecker checker, LoginCache cache, ReplicaWait wait, List<String> users) throws Exception {
        long reads = m.outcome(InvalidationWorkload.FRESH) + m.outcome(InvalidationWorkload.STALE) + m.outcome(InvalidationWorkload.MISS);
        long writes = m.outcome(InvalidationWorkload.WRITE) + m.outcome(InvalidationWorkload.WRITE_FAILED);
        long stillStale = 0;
        for (int key = 0; key < users.size(); key++) {
            String cached = cache.get(users.get(key)).toCompletableFuture().get(10, TimeUnit.SECONDS);
            if (cached != null && cached.charAt(0) == 'v' && LoginStore.versionOf(cached) < checker.latest(key)) {
                stillStale++;
            }
        }
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("strategy", strategy.id());
        f.put("reads", reads);
        f.put("writes", writes);
        f.put("reads_per_s", Math.round(reads / m.elapsedSeconds()));
        f.put("writes_per_s", Math.round(writes / m.elapsedSeconds()));
        f.put("injected_failures", m.outcome(InvalidationWorkload.WRITE_FAILED));
        f.put("stale_reads", checker.staleReads());
        f.put("stale_rate", reads == 0 ? null : (double) checker.staleReads() / reads);
        f.put("max_staleness_ms", checker.staleReads() == 0 ? null : Math.round(checker.maxStalenessMillis() * 10) / 10.0);
        f.put("entries_still_stale", stillStale);
        if (wait.mode() != ReplicaWait.Mode.NONE) {
            f.put("waits_sent", cache.waitsSent());
            f.put("writes_per_wait", cache.waitsSent() == 0 ? null
                    : Math.round(100.0 * cache.writesWaitedFor() / cache.waitsSent()) / 100.0);
            if (wait.mode() == ReplicaWait.Mode.WAITAOF) {
                f.put("waitaof_repeats", cache.waitAofRepeats());
            }
        }
        f.put("cache_hit_rate", reads == 0 ? null : Math.round(10_000.0 * (m.outcome(InvalidationWorkload.FRESH)
                + m.outcome(InvalidationWorkload.STALE)) / reads) / 10_000.0);
        return f;
    }

    /**
     * Refuses a wait for more replicas than a master has: every WAIT would run to its timeout and every write would count
     * as an error (the embedded cluster has replicas only from 6 nodes on: 3 to 5 are all masters).
     */
    private static void requireReplicas(RedisTarget target, ReplicaWait wait) {
        if (wait.mode() == ReplicaWait.Mode.NONE || wait.replicas() == 0) {
            return;
        }
        for (Map.Entry<String, Map<String, String>> master : target.info("replication", true).entrySet()) {
            int replicas = Integer.parseInt(master.getValue().getOrDefault("connected_slaves", "0"));
            if (replicas < wait.replicas()) {
                throw new UsageException(String.format(Locale.ROOT, "--wait=%s --numreplicas=%d: master %s has %d connected replica(s), "
                        + "so every wait would time out; use --numreplicas=%d or --wait=none%s", wait.mode().name().toLowerCase(Locale.ROOT),
                        wait.replicas(), master.getKey(), replicas, replicas,
                        target.isEmbedded() ? " (the embedded cluster has a replica per master from --instances=6 on)" : ""));
            }
        }
    }

    private static void requireWaitAof(LoginCache cache, ReplicaWait wait) {
        if (wait.mode() == ReplicaWait.Mode.WAITAOF) {
            String why = cache.waitAofUnsupported();
            if (why != null) {
                throw new IllegalStateException("--wait=waitaof needs Redis 7.2+ or Valkey with appendonly yes; this server says: "
                        + why + " (use --wait=wait)");
            }
        }
    }

    private int scenario(String run, ReplicaWait wait, List<String> serverArgs) throws Exception {
        try (RedisTarget cacheTarget = RedisTarget.open(redis, servers, System.err, serverArgs)) {
            requireReplicas(cacheTarget, wait);
            LoginCache cache = LoginCache.open(cacheTarget, run, wait, Duration.ofMillis(cacheTtlMillis), Duration.ofMillis(leaseMillis));
            requireWaitAof(cache, wait);
            try (CqlTarget storeTarget = CqlTarget.open(cql, servers.withCluster(false), 0, System.err)) {
                boolean asExpected = new InvalidationScenario(new LoginStore(storeTarget), cache, System.out).run(run + ":user");
                return asExpected ? 0 : PatternRun.RUN_FAILED;
            }
        }
    }

    private Parameters parameters(LoadPlan plan, ReplicaWait wait, long scheduleSeed) {
        Parameters p = new Parameters();
        p.put("--strategy", "strategy", strategy.id());
        p.put("--keys", "keys", keys);
        p.put("--write-ratio", "write_ratio", writeRatio);
        p.put("--failure-rate", "failure_rate", failureRate);
        p.put("--fill-delay-ms", "fill_delay_ms", fillDelayMillis);
        if (strategy == Strategy.DOUBLE_DELETE) {
            p.put("--double-delete-delay-ms", "double_delete_delay_ms", doubleDeleteDelayMillis);
        }
        if (strategy == Strategy.LEASE) {
            p.put("--lease-ms", "lease_ms", leaseMillis);
        }
        p.put("--requests", "requests", plan.timed() ? null : plan.requests());
        p.put("--duration", "duration_s", plan.timed() ? plan.duration().toMillis() / 1000.0 : null);
        p.put("--semaphore", "semaphore", plan.inFlight());
        p.put("--rate", "rate_per_s", plan.ratePerSecond());
        p.put("--warmup", "warmup", plan.warmup().toString());
        p.put("--wait", "wait", wait.mode().name().toLowerCase(Locale.ROOT));
        if (wait.mode() != ReplicaWait.Mode.NONE) {
            p.put("--numreplicas", "numreplicas", wait.replicas());
            p.put("--wait-timeout-ms", "wait_timeout_ms", wait.timeoutMillis());
        }
        if (wait.mode() == ReplicaWait.Mode.WAITAOF && redis.embedded()) {
            p.put("--appendfsync", "appendfsync", appendFsync);
        }
        p.put("--seed", "seed", scheduleSeed);
        return p;
    }

    static final class StrategyConverter extends ParsingConverter<Strategy> {
        StrategyConverter() {
            super(Strategy::parse);
        }
    }
}
