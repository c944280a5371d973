package dev.backendpatterns.ratelimiter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backendpatterns.common.cli.CommandRunner;
import dev.backendpatterns.common.redis.EmbeddedRedis;
import dev.backendpatterns.common.redis.RedisBinary;
import dev.backendpatterns.common.report.ResultJson;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Redis dies in the middle of a run: the run ends soon after, every request is accounted for, --on-error decides. */
class ServerKillIT {

    @ParameterizedTest
    @ValueSource(strings = {"allow", "deny"})
    void killingTheServerEndsTheRunWithEveryRequestAccountedFor(String onError, @TempDir Path dir) throws Exception {
        Path json = dir.resolve("killed.json");
        try (EmbeddedRedis server = EmbeddedRedis.start(RedisBinary.locate())) {
            CompletableFuture<Integer> run = CompletableFuture.supplyAsync(() -> CommandRunner.run(new RateLimiterCommand(),
                    "--redis=" + server.uri(), "--duration=60s", "--warmup=0", "--timeout-ms=500", "--keys=100",
                    "--on-error=" + onError, "--json=" + json));
            awaitCommands(server, 20_000); // the run is deciding requests
            Thread.sleep(500);
            long killedAt = System.nanoTime();
            server.kill();
            int exit = run.get(20, TimeUnit.SECONDS);
            double secondsAfterKill = (System.nanoTime() - killedAt) / 1e9;

            assertEquals(3, exit, "finished, with failed requests");
            assertTrue(secondsAfterKill < 10, "the run ended " + secondsAfterKill + " s after the kill, not after 60 s");
            Map<?, ?> result = ResultJson.readTree(json);
            Map<?, ?> outcomes = (Map<?, ?>) result.get("outcomes");
            long allowed = (Long) outcomes.get("allowed");
            long throttled = (Long) (outcomes.containsKey("throttled") ? outcomes.get("throttled") : 0L);
            long errors = (Long) outcomes.get("error");
            assertEquals((Long) result.get("requests"), allowed + throttled + errors, "outcomes add up to the requests sent");
            assertTrue(allowed > 0 && errors > 0, outcomes.toString());
            assertNotNull(result.get("stop_reason"));
            assertEquals(false, result.get("complete"));
            Map<?, ?> errorKinds = (Map<?, ?>) result.get("errors");
            assertEquals(errors, errorKinds.values().stream().mapToLong(v -> (Long) v).sum(), "error kinds add up: " + errorKinds);
            long admitted = (Long) result.get("admitted");
            assertEquals(onError.equals("allow") ? allowed + errors : allowed, admitted);
        }
    }

    private static void awaitCommands(EmbeddedRedis server, long commands) throws InterruptedException {
        RedisClient client = RedisClient.create(server.uri());
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (processed(c.sync().info("stats")) < commands) {
                assertTrue(System.nanoTime() < deadline, "the run never got going");
                Thread.sleep(50);
            }
        } finally {
            client.shutdown();
        }
    }

    private static long processed(String stats) {
        return stats.lines().filter(l -> l.startsWith("total_commands_processed:")).mapToLong(l -> Long.parseLong(l.substring(25).trim()))
                .findFirst().orElse(0);
    }
}
