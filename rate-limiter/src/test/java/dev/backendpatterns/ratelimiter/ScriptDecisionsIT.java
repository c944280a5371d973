package dev.backendpatterns.ratelimiter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backendpatterns.common.cli.RedisEndpointOptions;
import dev.backendpatterns.common.cli.ServerOptions;
import dev.backendpatterns.common.redis.RedisConnection;
import dev.backendpatterns.common.redis.RedisTarget;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The scripts' decisions at explicit instants, on a real server: a coalesced call deciding n requests equals n single
 * calls at that instant (split batches included), so does one call deciding many keys (batching, with coalescing on
 * and off), the clock-went-back branches hold, and GCRA keeps a non-integer emission interval exact.
 */
class ScriptDecisionsIT {
    private static final long T = 1_700_000_000_000_000L; // an instant in microseconds, aligned to every window below
    private static RedisTarget target;
    private static RedisConnection connection;

    @BeforeAll
    static void start() {
        target = RedisTarget.open(new RedisEndpointOptions(), ServerOptions.single(), new PrintStream(OutputStream.nullOutputStream()));
        connection = target.connect().batchWrites();
    }

    @AfterAll
    static void stop() {
        target.close();
    }

    private static KeySpace fresh(String what) {
        return new KeySpace("sd-" + what + "-" + System.nanoTime(), 1);
    }

    private static long await(CompletionStage<Long> decision) throws Exception {
        return decision.toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static List<Long> coalesced(Algorithm algorithm, Limits limits, int n, long at) throws Exception {
        LuaRateLimiter limiter = new LuaRateLimiter(algorithm, limits, fresh(algorithm + "-batch"), connection, "b", true, 1, at);
        List<CompletionStage<Long>> decisions = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            decisions.add(limiter.acquire(0, i));
        }
        limiter.flush();
        List<Long> result = new ArrayList<>();
        for (CompletionStage<Long> d : decisions) {
            result.add(await(d));
        }
        int calls = (n + LuaRateLimiter.MAX_BATCH - 1) / LuaRateLimiter.MAX_BATCH;
        assertEquals(calls, limiter.scriptCalls(), "n requests for one key are split into calls of at most MAX_BATCH");
        limiter.deleteState();
        return result;
    }

    private static List<Long> single(Algorithm algorithm, Limits limits, int n, long at) throws Exception {
        LuaRateLimiter limiter = new LuaRateLimiter(algorithm, limits, fresh(algorithm + "-single"), connection, "s", false);
        List<Long> result = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            result.add(decisionAt(limiter, i, at));
        }
        limiter.deleteState();
        return result;
    }

    @ParameterizedTest
    @EnumSource(value = Algorithm.class, names = {"TOKEN_BUCKET", "GCRA", "SLIDING_WINDOW_LOG", "SLIDING_WINDOW_COUNTER", "FIXED_WINDOW"})
    void oneCoalescedCallDecidesExactlyAsSingleCallsAtTheSameInstantEvenWhenSplit(Algorithm algorithm) throws Exception {
        Limits limits = new Limits(100, 300, 1000, 300);
        int n = LuaRateLimiter.MAX_BATCH + 88; // two script calls: 512, then 88
        List<Long> batched = coalesced(algorithm, limits, n, T + 250_000);
        List<Long> singles = single(algorithm, limits, n, T + 250_000);
        assertEquals(singles, batched);
        assertEquals(300, batched.stream().filter(Decision::allowed).count(), "the limit admits 300 at one instant");
        assertTrue(Decision.retryAfterMillis(batched.get(n - 1)) > 0, "the throttled are told when to retry");
    }

    @ParameterizedTest
    @EnumSource(value = Algorithm.class, names = {"TOKEN_BUCKET", "GCRA", "SLIDING_WINDOW_LOG", "SLIDING_WINDOW_COUNTER", "FIXED_WINDOW"})
    void oneCallForManyKeysDecidesEachKeyAsItsOwnCallsWould(Algorithm algorithm) throws Exception {
        // 3 per key at one instant; slow refill and long windows, so that no key expires (in real time) between rounds
        Limits limits = new Limits(1, 3, 10_000, 3);
        int rounds = 3;
        // 100 keys: 5 or 6 requests each a round, interleaved; 3 keys: without coalescing a call lists each key many times
        for (int keyCount : new int[] {100, 3}) {
            int perRound = 5 * keyCount + 13;
            List<Long> reference = manyKeys(algorithm, limits, keyCount, rounds, perRound, false, 1);
            assertEquals(keyCount * 3L, reference.stream().filter(Decision::allowed).count(),
                    "each key admits 3 in the first round and nothing after, at one instant");
            for (boolean coalesce : new boolean[] {true, false}) {
                for (int batchKeys : new int[] {7, LuaRateLimiter.DEFAULT_BATCH_KEYS}) {
                    assertEquals(reference, manyKeys(algorithm, limits, keyCount, rounds, perRound, coalesce, batchKeys),
                            keyCount + " keys, coalesce " + coalesce + ", " + batchKeys + " keys per call");
                }
            }
        }
    }

    /** Every request's decision, in request order, all at instant T + 0.25 s, flushing once a round. */
    private static List<Long> manyKeys(Algorithm algorithm, Limits limits, int keyCount, int rounds, int perRound,
            boolean coalesce, int batchKeys) throws Exception {
        KeySpace keys = new KeySpace("sd-many-" + algorithm + "-" + System.nanoTime(), keyCount);
        LuaRateLimiter limiter = new LuaRateLimiter(algorithm, limits, keys, connection, "m", coalesce, batchKeys, T + 250_000);
        List<Long> result = new ArrayList<>();
        long id = 0;
        for (int r = 0; r < rounds; r++) {
            List<CompletionStage<Long>> decisions = new ArrayList<>();
            for (int i = 0; i < perRound; i++) {
                decisions.add(limiter.acquire((i * 37) % keyCount, id++));
            }
            limiter.flush();
            for (CompletionStage<Long> d : decisions) {
                result.add(await(d));
            }
        }
        if (batchKeys > 1 && keyCount > batchKeys) {
            assertTrue(limiter.scriptCalls() * 5 <= limiter.decisions(), "batched: far fewer calls than decisions, was "
                    + limiter.scriptCalls() + " calls for " + limiter.decisions());
        } else if (!coalesce && batchKeys == 1) {
            assertEquals(limiter.decisions(), limiter.scriptCalls(), "one call per decision");
        }
        limiter.deleteState();
        return result;
    }

    @Test
    void theTokenBucketNeitherRefillsNorMovesBackWhenTheClockGoesBack() throws Exception {
        Limits limits = new Limits(1, 10, 1000, 10); // 10 tokens, one more per second
        LuaRateLimiter limiter = new LuaRateLimiter(Algorithm.TOKEN_BUCKET, limits, fresh("tb-back"), connection, "t", false);
        assertEquals(5, admittedOf(limiter, 5, T));
        // half a second earlier: nothing refilled, one of the 5 left taken, and the refill mark stays at T
        assertEquals(1, admittedOf(limiter, 1, T - 500_000));
        // 1.5 s after T: 4 + 1.5 = 5.5 tokens; a mark moved back to T - 0.5 s would have refilled 2, giving 6
        assertEquals(5, admittedOf(limiter, 7, T + 1_500_000), "refilled from T, not from T - 0.5 s");
        limiter.deleteState();
    }

    @Test
    void gcraGivesNoCreditForAClockThatWentBack() throws Exception {
        Limits limits = new Limits(1, 10, 1000, 10);
        LuaRateLimiter limiter = new LuaRateLimiter(Algorithm.GCRA, limits, fresh("gcra-back"), connection, "g", false);
        assertEquals(10, admittedOf(limiter, 10, T));
        assertEquals(0, admittedOf(limiter, 1, T - 5_000_000));
        assertEquals(1, admittedOf(limiter, 2, T + 1_000_000));
        limiter.deleteState();
    }

    @ParameterizedTest
    @EnumSource(value = Algorithm.class, names = {"FIXED_WINDOW", "SLIDING_WINDOW_COUNTER"})
    void windowCountersRefuseRatherThanDoubleAdmitWhenTheClockGoesBackAWindow(Algorithm algorithm) throws Exception {
        Limits limits = new Limits(10, 10, 1000, 10);
        LuaRateLimiter limiter = new LuaRateLimiter(algorithm, limits, fresh(algorithm + "-back"), connection, "w", false);
        assertEquals(10, admittedOf(limiter, 10, T + 1_000_000));
        long decision = decisionAt(limiter, 99, T + 500_000);
        assertEquals(false, Decision.allowed(decision), "a window earlier: refused");
        assertEquals(1000, Decision.retryAfterMillis(decision), "retry after one window");
        limiter.deleteState();
    }

    @Test
    void theSlidingLogCountsEntriesFromTheFutureWhenTheClockGoesBack() throws Exception {
        Limits limits = new Limits(10, 10, 1000, 10);
        LuaRateLimiter limiter = new LuaRateLimiter(Algorithm.SLIDING_WINDOW_LOG, limits, fresh("log-back"), connection, "l", false);
        assertEquals(10, admittedOf(limiter, 10, T));
        assertEquals(0, admittedOf(limiter, 3, T - 100_000));
        assertEquals(10, admittedOf(limiter, 10, T + 1_000_001), "a window after T the log is empty again");
        limiter.deleteState();
    }

    @Test
    void gcraKeepsANonIntegerEmissionIntervalExact() throws Exception {
        // 3 per second, one every 333,333.33 us, burst 3, offered 100 per second: the 27th emission after T is due at
        // exactly T + 9 s. Rounding the interval to 333,333 us would admit it 9 us early, to 333,334 us 18 us late.
        // (Lua numbers are doubles: at today's clock in microseconds, about 1.7e15, each step rounds to 0.25 us, so the
        // probes stand 5 us either side.)
        Limits limits = new Limits(3, 3, 1000, 3);
        LuaRateLimiter limiter = new LuaRateLimiter(Algorithm.GCRA, limits, fresh("gcra-3"), connection, "g3", false);
        long admitted = 0;
        for (long t = T; t < T + 9_000_000; t += 10_000) {
            admitted += admittedOf(limiter, 1, t);
        }
        assertEquals(3 + 26, admitted, "the burst, then 3 per second for 8.99 s");
        assertEquals(0, admittedOf(limiter, 1, T + 8_999_995), "5 us before the 27th emission");
        assertEquals(true, Decision.allowed(decisionAt(limiter, 7, T + 9_000_005)), "5 us after it");
        limiter.deleteState();
    }

    private static long decisionAt(LuaRateLimiter limiter, long requestId, long at) throws Exception {
        CompletionStage<Long> decision = limiter.acquireAt(0, requestId, at);
        connection.flush();
        return await(decision);
    }

    private static long admittedOf(LuaRateLimiter limiter, int n, long at) throws Exception {
        List<CompletionStage<Long>> decisions = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            decisions.add(limiter.acquireAt(0, at + i, at));
        }
        connection.flush();
        long admitted = 0;
        for (CompletionStage<Long> d : decisions) {
            admitted += Decision.allowed(await(d)) ? 1 : 0;
        }
        return admitted;
    }
}
