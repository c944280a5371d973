package dev.backendpatterns.ratelimiter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backendpatterns.common.cli.CommandRunner;
import dev.backendpatterns.common.redis.EmbeddedRedis;
import dev.backendpatterns.common.redis.RedisBinary;
import dev.backendpatterns.common.report.Json;
import java.nio.file.Files;
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
                    "--redis=" + server.uri(), "--duration=60s", "--timeout-ms=500", "--keys=100", "--on-error=" + onError,
                    "--json=" + json));
            Thread.sleep(1500);
            long killedAt = System.nanoTime();
            server.kill();
            int exit = run.get(20, TimeUnit.SECONDS);
            double secondsAfterKill = (System.nanoTime() - killedAt) / 1e9;

            assertEquals(3, exit, "finished, with failed requests");
            assertTrue(secondsAfterKill < 10, "the run ended " + secondsAfterKill + " s after the kill, not after 60 s");
            Map<?, ?> result = (Map<?, ?>) Json.parse(Files.readString(json));
            Map<?, ?> outcomes = (Map<?, ?>) result.get("outcomes");
            long allowed = (Long) outcomes.get("allowed");
            long throttled = (Long) (outcomes.containsKey("throttled") ? outcomes.get("throttled") : 0L);
            long errors = (Long) outcomes.get("error");
            assertEquals((Long) result.get("requests"), allowed + throttled + errors, "outcomes add up to the requests sent");
            assertTrue(allowed > 0 && errors > 0, outcomes.toString());
            assertNotNull(result.get("aborted"));
            Map<?, ?> errorKinds = (Map<?, ?>) result.get("errors");
            assertEquals(errors, errorKinds.values().stream().mapToLong(v -> (Long) v).sum(), "error kinds add up: " + errorKinds);
            long admitted = (Long) result.get("admitted");
            assertEquals(onError.equals("allow") ? allowed + errors : allowed, admitted);
        }
    }
}
