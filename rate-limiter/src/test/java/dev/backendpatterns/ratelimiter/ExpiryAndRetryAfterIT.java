package dev.backendpatterns.ratelimiter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backendpatterns.common.cli.RedisEndpointOptions;
import dev.backendpatterns.common.cli.ServerOptions;
import dev.backendpatterns.common.redis.RedisConnection;
import dev.backendpatterns.common.redis.RedisTarget;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A throttled request's retry-after is honest (waiting that long gets it in), and an idle key disappears. */
class ExpiryAndRetryAfterIT {
    private static RedisTarget target;
    private static RedisClusterCommands<String, String> admin;

    @BeforeAll
    static void start() {
        target = RedisTarget.open(new RedisEndpointOptions(), ServerOptions.single(), new PrintStream(OutputStream.nullOutputStream()));
        admin = target.nodes(false).values().iterator().next();
    }

    @AfterAll
    static void stop() {
        target.close();
    }

    @ParameterizedTest
    @EnumSource(value = Algorithm.class, names = {"TOKEN_BUCKET", "GCRA", "SLIDING_WINDOW_LOG", "SLIDING_WINDOW_COUNTER", "FIXED_WINDOW"})
    void retryAfterIsSensibleAndIdleKeysExpire(Algorithm algorithm) throws Exception {
        // 5 per 200 ms window, or a bucket of 5 refilled at 100 per second (full again 50 ms after emptying)
        Limits limits = new Limits(100, 5, 200, 5);
        KeySpace key = new KeySpace("exp-" + algorithm.id() + "-" + System.nanoTime(), 1);
        RedisConnection connection = target.connect();
        LuaRateLimiter limiter = new LuaRateLimiter(algorithm, limits, key, connection, "x", false);

        for (int i = 0; i < 5; i++) {
            long d = decide(limiter, i);
            assertTrue(Decision.allowed(d), "request " + i + " within the limit: " + Decision.describe(d));
            assertEquals(4 - i, Decision.remaining(d), "remaining after request " + i);
        }
        long throttled = decide(limiter, 5);
        assertTrue(!Decision.allowed(throttled), "the sixth request is throttled");
        long retryAfter = Decision.retryAfterMillis(throttled);
        long most = algorithm.family() == Algorithm.Family.BUCKET ? 10 : 2 * 200;
        assertTrue(retryAfter >= 1 && retryAfter <= most, "retry-after " + retryAfter + " ms within (0, " + most + "]");

        long ttl = admin.pttl(key.name(0));
        assertTrue(ttl > 0, "the key has a time to live, was " + ttl);

        Thread.sleep(retryAfter + 3);
        long retried = decide(limiter, 6);
        assertTrue(Decision.allowed(retried), "a retry after retry-after is admitted: " + Decision.describe(retried));

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        while (admin.exists(key.name(0)) > 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(0L, admin.exists(key.name(0)), "an idle key expires");
        assertTrue(Decision.allowed(decide(limiter, 7)), "and its identity starts afresh");
    }

    private static long decide(LuaRateLimiter limiter, long id) throws Exception {
        return limiter.acquire(0, id).toCompletableFuture().get(5, TimeUnit.SECONDS);
    }
}
