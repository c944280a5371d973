package dev.backendpatterns.ratelimiter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backendpatterns.common.cli.CommandRunner;
import dev.backendpatterns.common.cli.RedisEndpointOptions;
import dev.backendpatterns.common.cli.ServerOptions;
import dev.backendpatterns.common.redis.RedisConnection;
import dev.backendpatterns.common.redis.RedisTarget;
import dev.backendpatterns.common.report.ResultJson;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.lettuce.core.cluster.models.partitions.Partitions;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command against a real Redis Cluster (started here, given to it as an external cluster), and
 * {@code --cross-slot-batch}: keys of several slots of one master share a call, and a node that refuses a key (its
 * slot moved since the client last looked) gets those keys again one slot per call, with nothing lost.
 */
class ClusterIT {
    private static RedisTarget cluster;

    @BeforeAll
    static void start() {
        cluster = RedisTarget.open(new RedisEndpointOptions(), ServerOptions.clustered(), new PrintStream(OutputStream.nullOutputStream()));
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    @Test
    void manyKeysPutLoadOnEveryMasterAndLeaveNoKeyBehind(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("cluster.json");
        int exit = CommandRunner.run(new RateLimiterCommand(), "--redis-cluster=" + cluster.embeddedCluster().seeds(),
                "--algorithm=token_bucket", "--keys=3000", "--requests=30000", "--semaphore=128", "--json=" + json);
        assertEquals(0, exit);
        Map<?, ?> result = ResultJson.readTree(json);
        Map<?, ?> outcomes = (Map<?, ?>) result.get("outcomes");
        assertEquals(null, outcomes.get("error"));
        assertEquals(30_000L, ((Long) outcomes.get("allowed")) + (Long) (outcomes.containsKey("throttled") ? outcomes.get("throttled") : 0L));
        assertEquals("cluster", ((Map<?, ?>) ((List<?>) result.get("backends")).get(0)).get("mode"));

        Map<String, Map<String, String>> stats = cluster.info("commandstats", true);
        assertEquals(3, stats.size());
        stats.forEach((node, commandStats) -> {
            String evalsha = commandStats.get("cmdstat_evalsha");
            assertTrue(evalsha != null && callsOf(evalsha) > 1000, node + " ran the limiter's scripts: " + evalsha);
        });
        long keysLeft = cluster.nodes(true).values().stream().mapToLong(n -> n.dbsize()).sum();
        assertEquals(0, keysLeft, "the run deleted every key it created");
    }

    @Test
    void theHotKeyLimitHoldsOnACluster(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("hot.json");
        int exit = CommandRunner.run(new RateLimiterCommand(), "--redis-cluster=" + cluster.embeddedCluster().seeds(),
                "-algorithm=sliding_window_log", "-threshold=300", "-ttlms=60000", "-numOfRequest=5000", "--warmup=0",
                "--json=" + json);
        assertEquals(0, exit);
        Map<?, ?> outcomes = (Map<?, ?>) (ResultJson.readTree(json)).get("outcomes");
        assertEquals(300L, outcomes.get("allowed"));
        assertEquals(4_700L, outcomes.get("throttled"));
    }

    private static long callsOf(String commandStat) {
        // calls=123,usec=...
        String calls = commandStat.split(",")[0];
        return Long.parseLong(calls.substring(calls.indexOf('=') + 1));
    }

    @Test
    void slotGroupsBatchTheKeysOfOneSlotOnEveryMaster(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("groups.json");
        Map<String, Long> before = evalshaCalls();
        int exit = CommandRunner.run(new RateLimiterCommand(), "--redis-cluster=" + cluster.embeddedCluster().seeds(),
                "--slot-groups=12", "--algorithm=gcra", "--keys=3000", "--requests=60000", "--semaphore=256",
                "--warmup=0", "--no-progress", "--json=" + json);
        assertEquals(0, exit);
        Map<String, Object> r = ResultJson.readTree(json);
        Map<?, ?> outcomes = (Map<?, ?>) r.get("outcomes");
        assertEquals(null, outcomes.get("error"));
        assertEquals(60_000L, ((Long) outcomes.get("allowed")) + (Long) (outcomes.containsKey("throttled") ? outcomes.get("throttled") : 0L));
        assertEquals(12L, ((Number) ((Map<?, ?>) r.get("parameters")).get("slot_groups")).longValue());
        double callsPerDecision = ((Number) r.get("script_calls_per_decision")).doubleValue();
        assertTrue(callsPerDecision < 0.5, "keys of one group shared calls: " + callsPerDecision + " calls per decision");
        evalshaCalls().forEach((node, calls) -> assertTrue(calls - before.getOrDefault(node, 0L) > 100,
                node + " decided its share of the groups: " + (calls - before.getOrDefault(node, 0L)) + " calls"));
        long keysLeft = cluster.nodes(true).values().stream().mapToLong(RedisClusterCommands::dbsize).sum();
        assertEquals(0, keysLeft, "the run deleted every key it created");
    }

    private static Map<String, Long> evalshaCalls() {
        Map<String, Long> calls = new java.util.HashMap<>();
        cluster.info("commandstats", true).forEach((node, stats) -> {
            String evalsha = stats.get("cmdstat_evalsha");
            calls.put(node, evalsha == null ? 0L : callsOf(evalsha));
        });
        return calls;
    }

    @Test
    void keysOfManySlotsShareCallsAndEveryRequestIsDecided(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("cross.json");
        int exit = CommandRunner.run(new RateLimiterCommand(), "--redis-cluster=" + cluster.embeddedCluster().seeds(),
                "--cross-slot-batch", "--algorithm=token_bucket", "--keys=3000", "--requests=60000", "--semaphore=256",
                "--no-progress", "--json=" + json);
        assertEquals(0, exit);
        Map<String, Object> r = ResultJson.readTree(json);
        Map<?, ?> outcomes = (Map<?, ?>) r.get("outcomes");
        assertEquals(null, outcomes.get("error"));
        double callsPerDecision = ((Number) r.get("script_calls_per_decision")).doubleValue();
        assertTrue(callsPerDecision < 0.5, "keys of different slots shared calls: " + callsPerDecision + " calls per decision");
        assertEquals(0L, ((Number) r.get("cross_slot_fallbacks")).longValue());
        long keysLeft = cluster.nodes(true).values().stream().mapToLong(RedisClusterCommands::dbsize).sum();
        assertEquals(0, keysLeft, "the run deleted every key it created");
    }

    @Test
    void aKeyWhoseSlotMovedIsDecidedAgainOneSlotPerCall() throws Exception {
        Limits limits = new Limits(1, 5, 10_000, 5);
        long fallbacks = 0;
        for (int attempt = 0; attempt < 5 && fallbacks == 0; attempt++) {
            RedisConnection connection = cluster.connect().batchWrites();
            KeySpace keys = new KeySpace("xs-" + System.nanoTime(), 2000);
            LuaRateLimiter limiter = new LuaRateLimiter(Algorithm.TOKEN_BUCKET, limits, keys, connection, "x", true,
                    LuaRateLimiter.DEFAULT_BATCH_KEYS, true, -1);
            Partitions view = ((StatefulRedisClusterConnection<?, ?>) connection.stateful()).getPartitions();
            // two keys of one master in different slots; the second key's slot is moved to another master behind the
            // client's back (it is empty: the key space is new), so the cross-slot call finds it non-local
            int first = 0;
            RedisClusterNode owner = view.getMasterBySlot(slotOf(keys, first));
            int second = -1;
            for (int k = 1; k < keys.size() && second < 0; k++) {
                if (slotOf(keys, k) != slotOf(keys, first) && view.getMasterBySlot(slotOf(keys, k)).getNodeId().equals(owner.getNodeId())) {
                    second = k;
                }
            }
            RedisClusterNode other = view.stream()
                    .filter(n -> n.is(RedisClusterNode.NodeFlag.UPSTREAM) && !n.getNodeId().equals(owner.getNodeId()))
                    .findFirst().orElseThrow();
            int moved = slotOf(keys, second);
            for (RedisClusterCommands<String, String> master : cluster.nodes(true).values()) {
                master.clusterSetSlotNode(moved, other.getNodeId());
            }
            List<CompletionStage<Long>> decisions = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                decisions.add(limiter.acquire(first, 2L * i));
                decisions.add(limiter.acquire(second, 2L * i + 1));
            }
            limiter.flush();
            for (CompletionStage<Long> d : decisions) {
                // a load runner flushes between waits; here the test does it, for the retries and Lettuce's MOVED
                // redirect, which it writes on the batched connection without flushing
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (!d.toCompletableFuture().isDone() && System.nanoTime() < deadline) {
                    connection.flush();
                    Thread.sleep(5);
                }
                assertTrue(Decision.allowed(d.toCompletableFuture().get(1, TimeUnit.SECONDS)), "each key admits 3 of its 5");
            }
            fallbacks = limiter.crossSlotFallbacks();
            limiter.deleteState();
            for (RedisClusterCommands<String, String> master : cluster.nodes(true).values()) {
                master.clusterSetSlotNode(moved, owner.getNodeId()); // put the slot back
            }
        }
        assertTrue(fallbacks > 0, "the refused call was sent again one slot per call");
    }

    private static int slotOf(KeySpace keys, int key) {
        return SlotHash.getSlot(keys.bytes(key));
    }
}
