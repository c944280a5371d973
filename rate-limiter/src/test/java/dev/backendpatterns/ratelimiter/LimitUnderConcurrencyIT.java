package dev.backendpatterns.ratelimiter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backendpatterns.common.cli.RedisEndpointOptions;
import dev.backendpatterns.common.cli.ServerOptions;
import dev.backendpatterns.common.load.LoadPlan;
import dev.backendpatterns.common.load.LoadRunner;
import dev.backendpatterns.common.load.Measurement;
import dev.backendpatterns.common.load.Operation;
import dev.backendpatterns.common.redis.RedisConnection;
import dev.backendpatterns.common.redis.RedisTarget;
import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Many connections, each driven by its own load runner thread, hammer one key, or a few keys at once; whatever the
 * interleaving, coalesced or not, batched across keys or not, no algorithm admits more than its contract allows on any
 * key between the server times read before and after the run.
 */
class LimitUnderConcurrencyIT {
    private static final int CONNECTIONS = 8;
    private static final long THRESHOLD = 500;
    private static final long WINDOW_MS = 60_000;
    private static final double REFILL_PER_S = 50;
    private static RedisTarget target;

    @BeforeAll
    static void start() {
        target = RedisTarget.open(new RedisEndpointOptions(), ServerOptions.single(), new PrintStream(OutputStream.nullOutputStream()));
    }

    @AfterAll
    static void stop() {
        target.close();
    }

    static Stream<Arguments> algorithms() {
        List<Arguments> cases = new ArrayList<>();
        for (Algorithm a : List.of(Algorithm.TOKEN_BUCKET, Algorithm.GCRA, Algorithm.SLIDING_WINDOW_LOG,
                Algorithm.SLIDING_WINDOW_COUNTER, Algorithm.FIXED_WINDOW)) {
            for (boolean coalesce : new boolean[] {true, false}) {
                cases.add(Arguments.of(a, coalesce, 1, 1));
                cases.add(Arguments.of(a, coalesce, LuaRateLimiter.DEFAULT_BATCH_KEYS, 1));
                cases.add(Arguments.of(a, coalesce, LuaRateLimiter.DEFAULT_BATCH_KEYS, 16));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}, coalesce={1}, keys per call={2}, keys={3}")
    @MethodSource("algorithms")
    void neverAdmitsMoreThanTheLimitOnAnyKey(Algorithm algorithm, boolean coalesce, int batchKeys, int keyCount) throws Exception {
        Limits limits = new Limits(REFILL_PER_S, THRESHOLD, WINDOW_MS, THRESHOLD);
        KeySpace key = new KeySpace("it-" + algorithm.id() + "-" + coalesce + "-" + System.nanoTime(), keyCount);
        AtomicLongArray allowedPerKey = new AtomicLongArray(keyCount);
        int requests = keyCount == 1 ? 3_000 : 600 * keyCount; // per connection: every key is asked far beyond its limit
        long before = serverMicros();
        List<CompletableFuture<Measurement>> runs = new ArrayList<>();
        for (int c = 0; c < CONNECTIONS; c++) {
            RedisConnection connection = target.connect().batchWrites();
            LuaRateLimiter limiter = new LuaRateLimiter(algorithm, limits, key, connection, "t" + c, coalesce, batchKeys);
            Operation op = new Operation() {
                @Override
                public CompletionStage<String> start(long index) {
                    int k = (int) (index % keyCount);
                    return limiter.acquire(k, index).thenApply(d -> {
                        if (Decision.allowed(d)) {
                            allowedPerKey.incrementAndGet(k);
                            return "allowed";
                        }
                        return "throttled";
                    });
                }

                @Override
                public void flush() {
                    limiter.flush();
                }
            };
            runs.add(CompletableFuture.supplyAsync(() -> new LoadRunner(Duration.ofSeconds(10))
                    .run(op, LoadPlan.ofRequests(requests, 64)), runnerThread()));
        }
        Measurement merged = null;
        for (CompletableFuture<Measurement> run : runs) {
            Measurement m = run.get();
            merged = merged == null ? m : merged.merge(m);
        }
        Measurement total = merged;
        long after = serverMicros();

        assertEquals((long) CONNECTIONS * requests, total.sent());
        assertEquals(0, total.outcome(LoadRunner.ERROR), () -> "errors: " + total.errors());
        assertEquals(total.sent(), total.outcome("allowed") + total.outcome("throttled"));
        for (int k = 0; k < keyCount; k++) {
            assertWithinContract(algorithm, allowedPerKey.get(k), before, after);
        }
    }

    private static void assertWithinContract(Algorithm algorithm, long allowed, long before, long after) {
        long windowMicros = WINDOW_MS * 1000;
        long windowsTouched = after / windowMicros - before / windowMicros + 1;
        switch (algorithm) {
            case SLIDING_WINDOW_LOG ->
                // the whole run fits in one window: exactly the threshold, never one more
                assertEquals(THRESHOLD, allowed);
            case FIXED_WINDOW, SLIDING_WINDOW_COUNTER -> {
                assertTrue(allowed >= THRESHOLD, "admits the threshold, admitted " + allowed);
                assertTrue(allowed <= THRESHOLD * windowsTouched, "admitted " + allowed + " over " + windowsTouched + " window(s)");
                if (windowsTouched == 1) {
                    assertEquals(THRESHOLD, allowed);
                }
            }
            default -> {
                double bound = THRESHOLD + REFILL_PER_S * (after - before) / 1e6;
                assertTrue(allowed >= THRESHOLD, "admits the burst, admitted " + allowed);
                assertTrue(allowed <= Math.floor(bound), "admitted " + allowed + " > bucket + refill = " + bound);
            }
        }
    }

    private static Executor runnerThread() {
        return command -> new Thread(command, "runner").start();
    }

    private static long serverMicros() {
        List<String> time = target.nodes(false).values().iterator().next().time();
        return Long.parseLong(time.get(0)) * 1_000_000 + Long.parseLong(time.get(1));
    }
}
