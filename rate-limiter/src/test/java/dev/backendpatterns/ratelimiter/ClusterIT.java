package dev.backendpatterns.ratelimiter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backendpatterns.common.cli.CommandRunner;
import dev.backendpatterns.common.cli.RedisEndpointOptions;
import dev.backendpatterns.common.cli.ServerOptions;
import dev.backendpatterns.common.redis.RedisTarget;
import dev.backendpatterns.common.report.ResultJson;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command against a real Redis Cluster (started here, given to it as an external cluster). */
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
}
