package dev.backendpatterns.common.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backendpatterns.common.cli.RedisEndpointOptions;
import dev.backendpatterns.common.cli.ServerOptions;
import dev.backendpatterns.common.load.LoadPlan;
import dev.backendpatterns.common.load.LoadRunner;
import dev.backendpatterns.common.load.Measurement;
import dev.backendpatterns.common.load.Operation;
import dev.backendpatterns.common.report.BackendInfo;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.ScriptOutputType;
import java.io.PrintStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class EmbeddedRedisIT {
    private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());
    private static final LuaScript ECHO_KEY = new LuaScript("echo", "return KEYS[1]");

    @Test
    void standaloneStartsAnswersAndStops() throws Exception {
        RedisTarget target = RedisTarget.open(new RedisEndpointOptions(), ServerOptions.single(), QUIET);
        EmbeddedRedis server = target.embedded();
        try {
            BackendInfo backend = target.describe();
            assertEquals("standalone", backend.mode());
            assertEquals(true, backend.embedded());
            assertEquals(1, backend.nodes());
            assertTrue(target.memory().usedBytes() > 0);
            assertTrue(target.memory().rssBytes() > 0);
        } finally {
            target.close();
        }
        assertFalse(server.isAlive(), "the server process is gone after close");
        assertThrows(java.io.IOException.class, () -> new Socket(EmbeddedRedis.HOST, server.port()).close());
    }

    @Test
    void scriptsSurviveAScriptFlushOnStandaloneAndCluster() throws Exception {
        for (boolean cluster : new boolean[] {false, true}) {
            try (RedisTarget target = RedisTarget.open(new RedisEndpointOptions(), cluster ? ServerOptions.clustered() : ServerOptions.single(), QUIET)) {
                RedisConnection c = target.connect().batchWrites();
                byte[][] keys = {"bp:test:{a}".getBytes(StandardCharsets.UTF_8)};
                ECHO_KEY.load(c, target.timeout());
                target.nodes(false).values().forEach(node -> assertEquals(List.of(true), node.scriptExists(ECHO_KEY.sha())));
                var firstCall = ECHO_KEY.<byte[]>run(c, ScriptOutputType.VALUE, keys).toCompletableFuture();
                c.flush();
                byte[] first = firstCall.get(5, TimeUnit.SECONDS);
                assertEquals("bp:test:{a}", new String(first, StandardCharsets.UTF_8));
                target.nodes(false).values().forEach(node -> node.scriptFlush());
                var secondCall = ECHO_KEY.<byte[]>run(c, ScriptOutputType.VALUE, keys).toCompletableFuture();
                c.flush(); // only the EVALSHA: the EVAL that NOSCRIPT triggers is flushed by LuaScript itself
                byte[] again = secondCall.get(5, TimeUnit.SECONDS);
                assertEquals("bp:test:{a}", new String(again, StandardCharsets.UTF_8), "NOSCRIPT falls back to EVAL");
            }
        }
    }

    @Test
    void aCommandOutsideARunTimesOutInLettuceAndARunsRequestIsBoundedByTheRunner() throws Exception {
        // CLIENT PAUSE ALL: the server takes no command for 9 s. The runner's requests get no Lettuce timer (the runner
        // gives them up itself, as timeouts, after 2 s plus its margin; with Lettuce's timer they would fail first, at
        // 2 s, as errors); a command sent outside a run still fails by Lettuce's timeout
        try (RedisTarget target = RedisTarget.open(new RedisEndpointOptions(), ServerOptions.single(), QUIET)) {
            RedisConnection admin = target.connect();
            RedisConnection c = target.connect().batchWrites();
            byte[] key = "bp:test:pause".getBytes(StandardCharsets.UTF_8);
            admin.await(admin.async().clientPause(9_000));
            List<CompletableFuture<byte[]>> started = new CopyOnWriteArrayList<>();
            Operation get = index -> {
                var f = c.async().get(key).toCompletableFuture();
                started.add(f);
                return f.thenApply(v -> "answered");
            };
            Measurement m = new LoadRunner(target.timeout()).run(get, LoadPlan.ofRequests(4, 4));
            assertEquals(4, m.outcome(LoadRunner.TIMEOUT), "given up by the runner: " + m.outcomes() + " " + m.errors());
            assertEquals(4, started.size());
            assertTrue(started.stream().noneMatch(CompletableFuture::isDone), "no Lettuce timer failed them");
            long sent = System.nanoTime();
            var outside = c.async().get(key).toCompletableFuture();
            c.flush();
            var failure = assertThrows(ExecutionException.class, () -> outside.get(5, TimeUnit.SECONDS));
            assertTrue(failure.getCause() instanceof RedisCommandTimeoutException, String.valueOf(failure.getCause()));
            double seconds = (System.nanoTime() - sent) / 1e9;
            assertTrue(seconds < 4, "Lettuce's own timeout (2 s), took " + seconds + " s");
        }
    }

    @Test
    void clusterOfSixHasThreeMastersWithAReplicaEach() {
        try (RedisTarget target = RedisTarget.open(new RedisEndpointOptions(), ServerOptions.clustered(), QUIET)) {
            BackendInfo backend = target.describe();
            assertEquals("cluster", backend.mode());
            assertEquals(6, backend.nodes());
            assertEquals(3, backend.details().get("masters"));
            for (Map<String, String> info : target.info("cluster", false).values()) {
                assertTrue(info.get("cluster_enabled").equals("1"));
                
            }
            for (var node : target.nodes(false).values()) {
                String clusterInfo = node.clusterInfo();
                assertTrue(clusterInfo.contains("cluster_state:ok"), clusterInfo);
                assertTrue(clusterInfo.contains("cluster_known_nodes:6"), clusterInfo);
            }
            for (Map<String, String> info : target.info("replication", true).values()) {
                assertEquals("1", info.get("connected_slaves"));
            }
            assertEquals(6, target.memory().nodes());
        }
    }

    @Test
    void aServerThatCannotStartFailsFastWithItsLog() {
        RedisBinary binary = RedisBinary.locate();
        long start = System.nanoTime();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> EmbeddedRedis.start(binary, List.of("--maxmemory", "lots")));
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(10), "no hang");
        assertTrue(e.getMessage().contains("exited"), e.getMessage());
        assertTrue(e.getMessage().toLowerCase().contains("maxmemory"), "the log tail names the bad setting: " + e.getMessage());
    }

    @Test
    void anUnreachableServerIsAClearError() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> RedisTarget.open(RedisEndpointOptions.external("redis://127.0.0.1:1"), ServerOptions.single(), QUIET));
        assertTrue(e.getMessage().startsWith("cannot connect to external Redis redis://127.0.0.1:1"), e.getMessage());
    }
}
