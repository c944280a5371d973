package dev.backendpatterns.ratelimiter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datastax.oss.driver.api.core.CqlSession;
import dev.backendpatterns.common.cli.CommandRunner;
import dev.backendpatterns.common.cli.ServerOptions;
import dev.backendpatterns.common.cql.CqlEndpointOptions;
import dev.backendpatterns.common.cql.CqlTarget;
import dev.backendpatterns.common.kafka.KafkaTarget;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** scripts/servers.sh end to end: start, status, endpoints a command can use, data kept across a restart, stop. */
class ServersScriptIT {
    private static final Path SCRIPT = Path.of("..", "scripts", "servers.sh").toAbsolutePath().normalize();
    private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

    @TempDir
    Path state;

    private record Result(int exit, String out) {
    }

    private Result script(String action, String kind) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("bash", SCRIPT.toString(), action, kind).redirectErrorStream(true);
        pb.environment().put("BP_STATE_DIR", state.toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertTrue(p.waitFor(6, TimeUnit.MINUTES), "servers.sh " + action + " " + kind + " returned");
        return new Result(p.exitValue(), out);
    }

    /** Whatever an assertion interrupted, no background server outlives the test. */
    @AfterEach
    void stopEverything() throws Exception {
        for (String kind : List.of("redis", "redis-cluster", "kafka", "kafka-cluster", "cassandra", "cassandra-cluster")) {
            script("stop", kind);
        }
    }

    private String start(String kind) throws Exception {
        Result started = script("start", kind);
        assertEquals(0, started.exit(), started.out());
        Result status = script("status", kind);
        assertEquals(0, status.exit(), status.out());
        assertTrue(status.out().startsWith(kind + " running (pid "), status.out());
        Result endpoints = script("endpoints", kind);
        assertEquals(started.out().lines().reduce((a, b) -> b).orElseThrow(), endpoints.out());
        return endpoints.out();
    }

    private void stop(String kind) throws Exception {
        Result stopped = script("stop", kind);
        assertEquals(0, stopped.exit(), stopped.out());
        Result status = script("status", kind);
        assertEquals(3, status.exit());
        assertEquals(kind + " stopped", status.out());
    }

    @Test
    void redisAndRedisClusterServeTheRateLimiter() throws Exception {
        for (String kind : List.of("redis", "redis-cluster")) {
            String flag = start(kind);
            assertTrue(flag.startsWith(kind.equals("redis") ? "--redis=redis://127.0.0.1:" : "--redis-cluster=127.0.0.1:"), flag);
            assertEquals(0, CommandRunner.run(new RateLimiterCommand(), flag, "--requests=2000", "--keys=50"), "a run against " + flag);
            stop(kind);
        }
    }

    @Test
    void kafkaKeepsItsTopicsAcrossARestart() throws Exception {
        for (String kind : List.of("kafka", "kafka-cluster")) {
            String flag = start(kind);
            assertTrue(flag.startsWith("--kafka=127.0.0.1:"), flag);
            KafkaTarget kafka = KafkaTarget.of(flag.substring("--kafka=".length()), Duration.ofSeconds(5));
            short replication = (short) (kind.equals("kafka") ? 1 : 3);
            kafka.createTopic("bp-kept", 1, replication, Map.of());
            stop(kind);
            assertEquals(flag, start(kind), "the same endpoints after a restart");
            try (Admin admin = kafka.admin()) {
                assertTrue(admin.listTopics().names().get(60, TimeUnit.SECONDS).contains("bp-kept"), "the topic survived the restart");
            }
            stop(kind);
        }
    }

    @Test
    void cassandraKeepsItsRowsAcrossARestart() throws Exception {
        String flag = start("cassandra");
        assertTrue(flag.startsWith("--cql=127.0.0.1:") && flag.contains("--cql-dc=datacenter1"), flag);
        String points = flag.split(" ")[0].substring("--cql=".length());
        try (CqlTarget cql = CqlTarget.open(CqlEndpointOptions.external(points), ServerOptions.single(), 0, QUIET)) {
            cql.execute("CREATE TABLE IF NOT EXISTS example.kept (id text PRIMARY KEY, v text)");
            cql.session().execute("INSERT INTO example.kept (id, v) VALUES ('a', 'b')");
        }
        stop("cassandra");
        assertEquals(flag, start("cassandra"));
        try (CqlTarget cql = CqlTarget.open(CqlEndpointOptions.external(points), ServerOptions.single(), 0, QUIET)) {
            CqlSession session = cql.session();
            assertEquals("b", session.execute("SELECT v FROM example.kept WHERE id = 'a'").one().getString(0));
        }
        stop("cassandra");

        String cluster = start("cassandra-cluster");
        assertTrue(cluster.matches("--cql=127\\.0\\.0\\.1:\\d+,127\\.0\\.0\\.2:\\d+ --cql-dc=datacenter1"), cluster);
        stop("cassandra-cluster");
    }
}
