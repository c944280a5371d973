package dev.backendpatterns.applicationcache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backendpatterns.common.cli.CommandRunner;
import dev.backendpatterns.common.cql.EmbeddedCassandra;
import dev.backendpatterns.common.redis.EmbeddedRedis;
import dev.backendpatterns.common.redis.EmbeddedRedisCluster;
import dev.backendpatterns.common.redis.RedisBinary;
import dev.backendpatterns.common.report.ResultJson;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** Both patterns in process, against one embedded Cassandra, one Redis and one Redis Cluster. */
class ApplicationCacheIT {
    private static EmbeddedCassandra cassandra;
    private static EmbeddedRedis redis;
    private static EmbeddedRedisCluster cluster;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        cassandra = EmbeddedCassandra.start(1, "1g", null, Duration.ofMinutes(4));
        redis = EmbeddedRedis.start(RedisBinary.locate());
        cluster = EmbeddedRedisCluster.start(RedisBinary.locate(), 6);
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable server : new AutoCloseable[] {cluster, redis, cassandra}) {
            try {
                if (server != null) {
                    server.close();
                }
            } catch (Exception e) {
                // the others still close
            }
        }
    }

    private Map<String, Object> run(int expectedExit, String... args) {
        Path json = dir.resolve("result-" + System.nanoTime() + ".json");
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--json=" + json);
        all.add("--no-progress");
        int exit = CommandRunner.run(new CommandLine(new ApplicationCacheCommand()), all.toArray(String[]::new));
        assertEquals(expectedExit, exit, "exit code of " + all);
        return ResultJson.readTree(json);
    }

    private static long outcome(Map<String, Object> result, String name) {
        Object count = ((Map<?, ?>) result.get("outcomes")).get(name);
        return count == null ? 0 : (Long) count;
    }

    private static long sum(Map<?, ?> counts) {
        return counts.values().stream().mapToLong(v -> (Long) v).sum();
    }

    @ParameterizedTest
    @ValueSource(strings = {"bloom_filter", "blocked_bloom", "r_filter", "guava"})
    void aFilterNeverSaysAbsentForAnInsertedKeyAndSavesStoreReads(String algorithm) {
        // a small filter (2,000 keys in 16,000 bits, or 3-character fingerprints), so that false positives show
        Map<String, Object> r = run(0, "r-filter", "--cql=" + cassandra.contactPoints(), "--algorithm=" + algorithm,
                "--requests=4000", "--warmup=400", "--semaphore=100", "--bits=16000", "--position=5", "--length=3",
                "--probes=200000", "--seed=3");
        assertEquals(4000L, r.get("requests"));
        assertEquals(4000L, sum((Map<?, ?>) r.get("outcomes")), "outcomes add up: " + r.get("outcomes"));
        assertEquals(2000L, outcome(r, "inserted"));
        assertEquals(0L, outcome(r, "false_negative"), "a filter never says absent for an inserted key");
        assertTrue(outcome(r, "true_positive") > 500, "half the queries ask for inserted keys: " + r.get("outcomes"));
        assertTrue((Long) r.get("store_reads_avoided") > 500, "absent keys were answered without the store");
        Map<?, ?> filter = (Map<?, ?>) r.get("filter");
        double measured = (Double) filter.get("false_positive_rate");
        double expected = (Double) filter.get("false_positive_rate_expected");
        double sigma = Math.sqrt(expected * (1 - expected) / 200_000);
        assertTrue(Math.abs(measured - expected) < 5 * sigma + 0.05 * expected, "measured " + measured + ", formula " + expected);
        assertTrue((Long) filter.get("memory_bytes") > 0);
        assertEquals(2 * 256L, r.get("partitions_deleted"), "the run deleted its rows, and only them");
    }

    @Test
    void withoutAFilterEveryQueryReadsTheStore() {
        Map<String, Object> r = run(0, "r-filter", "--cql=" + cassandra.contactPoints(), "--algorithm=none", "--requests=2000",
                "--warmup=0", "-semaphore=100", "-hash=farm");
        assertEquals(0L, r.get("store_reads_avoided"));
        assertEquals(0L, outcome(r, "false_positive") + outcome(r, "false_negative"));
        assertEquals(1000L, outcome(r, "true_positive") + outcome(r, "true_negative"));
    }

    @Test
    void withoutInvalidationInjectedFailuresLeaveStaleReadsAndVersionedFillsLeaveNone() {
        String[] schedule = {"--cql=" + cassandra.contactPoints(), "--redis=" + redis.uri(), "--duration=3s", "--warmup=0",
            "--keys=20", "--write-ratio=0.3", "--failure-rate=0.1", "--fill-delay-ms=5", "--semaphore=32", "--seed=42"};
        Map<String, Object> none = run(0, concat("cache-invalidation", "--strategy=none", schedule));
        Map<?, ?> noneFigures = (Map<?, ?>) none.get("invalidation");
        assertTrue((Long) noneFigures.get("stale_reads") > 0, "stale reads without invalidation: " + noneFigures);
        assertEquals(outcome(none, "stale"), noneFigures.get("stale_reads"));
        assertTrue(outcome(none, "write_failed_injected") > 0);

        Map<String, Object> versioned = run(0, concat("cache-invalidation", "--strategy=versioned", schedule));
        Map<?, ?> versionedFigures = (Map<?, ?>) versioned.get("invalidation");
        assertEquals(0L, versionedFigures.get("stale_reads"), "the same schedule, versioned: " + versionedFigures);
        assertEquals(0L, versionedFigures.get("entries_still_stale"));
        assertTrue(outcome(versioned, "fresh") > 0, "the cache did serve: " + versioned.get("outcomes"));
        assertTrue(outcome(versioned, "write_failed_injected") > 0, "failures were injected all the same");
        Map<?, ?> byOutcome = (Map<?, ?>) versioned.get("latency_by_outcome_us");
        assertTrue(byOutcome.containsKey("fresh") && byOutcome.containsKey("write"), "latency per kind: " + byOutcome);
    }

    @Test
    void onAClusterEveryCacheWriteWaitsForAReplica() {
        Map<String, Object> r = run(0, "cache-invalidation", "--cql=" + cassandra.contactPoints(), "--redis-cluster=" + cluster.seeds(),
                "--strategy=lease", "--requests=3000", "--warmup=0", "--keys=50", "--write-ratio=0.3", "-numreplicas=1", "-timeout=2000");
        assertEquals("wait", ((Map<?, ?>) r.get("parameters")).get("wait"));
        assertEquals(3000L, sum((Map<?, ?>) r.get("outcomes")));
        assertEquals(0L, outcome(r, "error"), "every WAIT saw its replica: " + r.get("errors"));
        assertEquals("cluster", ((Map<?, ?>) ((List<?>) r.get("backends")).get(0)).get("mode"));
    }

    @Test
    void onAValkeyClusterEveryCacheWriteWaitsForTheAppendOnlyFilesWithoutHoldingUpReads() {
        RedisBinary valkey = WaitAofServer.locate(dir);
        try (EmbeddedRedisCluster durable = EmbeddedRedisCluster.start(valkey, 6, List.of("--appendonly", "yes", "--appendfsync", "always"))) {
            // 16 in flight over 50 keys: before the waits had a connection of their own, the GETs and SETs queued behind
            // WAITAOFs on the shared node connection and timed out, and the run made about 17 requests/s
            Map<String, Object> r = run(0, "cache-invalidation", "--cql=" + cassandra.contactPoints(), "--redis-cluster=" + durable.seeds(),
                    "--strategy=versioned", "--requests=1500", "--warmup=0", "--keys=50", "--write-ratio=0.3", "--semaphore=16",
                    "--wait=waitaof", "-numreplicas=1", "-timeout=2000");
            assertEquals("waitaof", ((Map<?, ?>) r.get("parameters")).get("wait"));
            assertEquals(1500L, sum((Map<?, ?>) r.get("outcomes")));
            assertEquals(0L, outcome(r, "error"), "every WAITAOF saw the master's and a replica's AOF: " + r.get("errors"));
            Map<?, ?> figures = (Map<?, ?>) r.get("invalidation");
            long waits = (Long) figures.get("waits_sent") + (Long) figures.get("waitaof_repeats");
            assertTrue(waits > 0, figures.toString());
            // the servers' own count: every WAITAOF the run counted, plus the one that probed for the command
            assertEquals(waits + 1, waitAofCalls(durable), "WAITAOF calls the masters served: " + figures);
            assertEquals(0L, figures.get("stale_reads"), "versioned, durable: " + figures);
        }
    }

    private static long waitAofCalls(EmbeddedRedisCluster servers) {
        long calls = 0;
        for (EmbeddedRedis node : servers.nodes()) {
            RedisClient client = RedisClient.create(node.uri());
            try (StatefulRedisConnection<String, String> connection = client.connect()) {
                Matcher m = Pattern.compile("cmdstat_waitaof:calls=(\\d+)").matcher(connection.sync().info("commandstats"));
                calls += m.find() ? Long.parseLong(m.group(1)) : 0;
            } finally {
                client.shutdown();
            }
        }
        return calls;
    }

    private static String[] concat(String first, String second, String[] rest) {
        List<String> all = new ArrayList<>(List.of(first, second));
        all.addAll(List.of(rest));
        return all.toArray(String[]::new);
    }
}
