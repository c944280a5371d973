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
        // 5 per 1,000 ms window, or a bucket of 5 refilled at 10 per second (full again 500 ms after emptying)
        Limits limits = new Limits(10, 5, 1000, 5);
        KeySpace key = new KeySpace("exp-" + algorithm.id() + "-" + System.nanoTime(), 1);
        RedisConnection connection = target.connect();
        LuaRateLimiter limiter = new LuaRateLimiter(algorithm, limits, key, connection, "x", false);
        boolean bucket = algorithm.family() == Algorithm.Family.BUCKET;
        if (!bucket) {
            startOfAWindow(1000); // so that the six requests fall in one aligned window
        }

        for (int i = 0; i < 5; i++) {
            long d = decide(limiter, i);
            assertTrue(Decision.allowed(d), "request " + i + " within the limit: " + Decision.describe(d));
            if (bucket) { // tokens may have trickled in since the first request
                assertTrue(Decision.remaining(d) >= 4 - i && Decision.remaining(d) <= 4, "remaining after request " + i + ": " + d);
            } else {
                assertEquals(4 - i, Decision.remaining(d), "remaining after request " + i);
            }
        }
        long throttled = decide(limiter, 5);
        assertTrue(!Decision.allowed(throttled), "the sixth request is throttled");
        long retryAfter = Decision.retryAfterMillis(throttled);
        long most = bucket ? 100 : 2 * 1000;
        assertTrue(retryAfter >= 1 && retryAfter <= most, "retry-after " + retryAfter + " ms within (0, " + most + "]");

        long ttl = admin.pttl(key.name(0));
        assertTrue(ttl > 0, "the key has a time to live, was " + ttl);

        Thread.sleep(retryAfter + 3);
        long retried = decide(limiter, 6);
        assertTrue(Decision.allowed(retried), "a retry after retry-after is admitted: " + Decision.describe(retried));

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (admin.exists(key.name(0)) > 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(0L, admin.exists(key.name(0)), "an idle key expires");
        assertTrue(Decision.allowed(decide(limiter, 7)), "and its identity starts afresh");
    }

    /** Sleeps until 5 ms after the server clock starts a new window of {@code windowMillis}. */
    private static void startOfAWindow(long windowMillis) throws InterruptedException {
        java.util.List<String> time = admin.time();
        long nowMicros = Long.parseLong(time.get(0)) * 1_000_000 + Long.parseLong(time.get(1));
        long windowMicros = windowMillis * 1000;
        long untilNext = windowMicros - nowMicros % windowMicros;
        Thread.sleep(untilNext / 1000 + 5);
    }

    private static long decide(LuaRateLimiter limiter, long id) throws Exception {
        return limiter.acquire(0, id).toCompletableFuture().get(5, TimeUnit.SECONDS);
    }
}
