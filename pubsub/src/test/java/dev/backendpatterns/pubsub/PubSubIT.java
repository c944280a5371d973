package dev.backendpatterns.pubsub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backendpatterns.common.cli.CommandRunner;
import dev.backendpatterns.common.cli.RedisEndpointOptions;
import dev.backendpatterns.common.cli.ServerOptions;
import dev.backendpatterns.common.kafka.EmbeddedKafka;
import dev.backendpatterns.common.redis.EmbeddedRedis;
import dev.backendpatterns.common.redis.EmbeddedRedisCluster;
import dev.backendpatterns.common.redis.RedisBinary;
import dev.backendpatterns.common.redis.RedisTarget;
import dev.backendpatterns.common.report.ResultJson;
import dev.backendpatterns.common.testing.Servers;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Both commands end to end on real brokers, at small sizes: an embedded Redis, a 6-node Redis Cluster, a 1-node and a
 * 3-node Kafka, started once for the class. Every acknowledged message is delivered and counted; the market's
 * invariants hold.
 */
class PubSubIT {
    private static EmbeddedRedis redis;
    private static EmbeddedRedisCluster cluster;
    private static EmbeddedKafka kafka;
    private static EmbeddedKafka kafkaCluster;

    @BeforeAll
    static void start() {
        redis = EmbeddedRedis.start(RedisBinary.locate(), List.of("--client-output-buffer-limit", "pubsub 1gb 512mb 60"));
        cluster = EmbeddedRedisCluster.start(RedisBinary.locate(), 6);
        kafka = EmbeddedKafka.start(1, "512m", null, Duration.ofMinutes(3));
        kafkaCluster = EmbeddedKafka.start(3, "512m", null, Duration.ofMinutes(4));
    }

    @AfterAll
    static void stop() {
        Servers.closeAll(kafkaCluster, kafka, cluster, redis);
    }

    @TempDir
    Path dir;

    private Map<String, Object> dashboard(String... args) {
        return run(List.of("dashboard", "--participants=20000", "--durations=3", "-k=10"), args);
    }

    private Map<String, Object> exchange(String... args) {
        return run(List.of("stock-exchange", "--participants=300", "--durations=4"), args);
    }

    private Map<String, Object> run(List<String> command, String... args) {
        Path json = dir.resolve("run-" + System.nanoTime() + ".json");
        List<String> all = new ArrayList<>(command);
        all.addAll(List.of("--no-ui", "--drain=20", "--seed=4", "--no-progress", "--json=" + json));
        all.addAll(List.of(args));
        assertEquals(0, CommandRunner.run(new CommandLine(new PubSubCommand()), all.toArray(String[]::new)), "exit code of " + all);
        return ResultJson.readTree(json);
    }

    private static void assertEveryScoreDelivered(Map<String, Object> r) {
        long published = (Long) r.get("published");
        assertTrue(published > 5_000, "the contest published scores: " + published);
        assertEquals(published, r.get("acknowledged"));
        assertEquals(published, r.get("expected_deliveries"));
        assertEquals(published, r.get("delivered"));
        assertEquals(0L, r.get("lost"));
        assertEquals(0L, r.get("duplicates"));
        assertEquals(0L, r.get("malformed"));
        assertEquals(published, r.get("requests"), "one publish per solve");
        Map<?, ?> contest = (Map<?, ?>) r.get("contest");
        assertEquals(contest.get("solves"), published);
        Map<?, ?> leaderboard = (Map<?, ?>) r.get("leaderboard");
        assertEquals(true, leaderboard.get("matches_true_top_k"), "with nothing lost the subscribers show the true top-k: " + leaderboard);
        Map<?, ?> e2e = (Map<?, ?>) r.get("end_to_end_latency_us");
        assertEquals(published, e2e.get("count"));
        assertTrue(((Map<?, ?>) r.get("histograms")).containsKey("end_to_end_latency"));
        assertTrue(r.get("dispatch_lag_us") instanceof Map, "open loop: the lag against each solve's moment is reported");
    }

    private static void assertTheMarketHeld(Map<String, Object> r) {
        Map<?, ?> invariants = (Map<?, ?>) r.get("invariants");
        assertTrue(invariants.values().stream().allMatch(Boolean.TRUE::equals), "every invariant holds: " + invariants);
        Map<?, ?> orders = (Map<?, ?>) r.get("orders");
        long published = (Long) orders.get("published");
        assertTrue(published > 200, "the traders sent orders: " + published);
        assertEquals(published, orders.get("acknowledged"));
        assertEquals(published, orders.get("delivered"), "the engine processed every order");
        assertEquals(0L, orders.get("lost"));
        assertEquals(0L, orders.get("out_of_order"), "each trader's orders reach the engine in order");
        Map<?, ?> feed = (Map<?, ?>) r.get("price_feed");
        assertEquals(feed.get("expected_deliveries"), feed.get("delivered"), "every price reached every feed subscription: " + feed);
        assertEquals(0L, r.get("lost"));
        assertTrue((Long) r.get("trades") > 0, "orders were matched");
        assertTrue(((Map<?, ?>) r.get("histograms")).containsKey("order_latency"));
    }

    @Test
    void onARedisEveryScoreAndOrderArrives() {
        Map<String, Object> d = dashboard("--redis=" + redis.uri());
        assertEveryScoreDelivered(d);
        assertEquals("at most once", d.get("delivery_guarantee"));
        assertTheMarketHeld(exchange("--redis=" + redis.uri()));
    }

    @Test
    void onARedisClusterTheChannelsSpreadOverTheMasters() throws Exception {
        try (RedisTarget admin = RedisTarget.open(RedisEndpointOptions.externalCluster(cluster.seeds()), ServerOptions.single(),
                new PrintStream(OutputStream.nullOutputStream()))) {
            assertEveryScoreDelivered(dashboard("--redis-cluster=" + cluster.seeds()));
            long mastersPublishing = admin.info("commandstats", true).values().stream()
                    .filter(stats -> stats.containsKey("cmdstat_spublish")).count();
            assertTrue(mastersPublishing > 1, "sharded channels landed on " + mastersPublishing + " master(s)");
            assertTheMarketHeld(exchange("--redis-cluster=" + cluster.seeds()));
        }
    }

    @Test
    void onKafkaNothingAcknowledgedIsLost() {
        Map<String, Object> d = dashboard("--broker=kafka", "--kafka=" + kafka.bootstrapServers(), "--semaphore=5000");
        assertEveryScoreDelivered(d);
        assertEquals("at least once", d.get("delivery_guarantee"));
        assertTheMarketHeld(exchange("--broker=kafka", "--kafka=" + kafka.bootstrapServers()));
    }

    @Test
    void onAThreeNodeKafkaNothingAcknowledgedIsLost() {
        Map<String, Object> d = dashboard("--broker=kafka", "--kafka=" + kafkaCluster.bootstrapServers(), "--semaphore=5000");
        assertEveryScoreDelivered(d);
        assertEquals(3L, ((Map<?, ?>) ((List<?>) d.get("backends")).get(0)).get("nodes"));
        assertTheMarketHeld(exchange("--broker=kafka", "--kafka=" + kafkaCluster.bootstrapServers()));
    }
}
