package dev.backendpatterns.ratelimiter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backendpatterns.common.cli.RedisEndpointOptions;
import dev.backendpatterns.common.cli.ServerOptions;
import dev.backendpatterns.common.redis.RedisTarget;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Replays arrival patterns at explicit times: every algorithm keeps within its bound, and the overshoots show. */
class AccuracyIT {
    private static final long THRESHOLD = 50;
    private static RedisTarget target;
    private static AccuracyAnalysis analysis;

    @BeforeAll
    static void start() {
        target = RedisTarget.open(new RedisEndpointOptions(), ServerOptions.single(), new PrintStream(OutputStream.nullOutputStream()));
        analysis = new AccuracyAnalysis(target.connect().batchWrites(), "acc" + System.nanoTime());
    }

    @AfterAll
    static void stop() {
        target.close();
    }

    @Test
    void everyAlgorithmStaysWithinItsBoundOnEveryPattern() {
        for (ArrivalPattern pattern : ArrivalPattern.values()) {
            for (Algorithm algorithm : List.of(Algorithm.TOKEN_BUCKET, Algorithm.GCRA, Algorithm.SLIDING_WINDOW_LOG,
                    Algorithm.SLIDING_WINDOW_COUNTER, Algorithm.FIXED_WINDOW)) {
                AccuracyAnalysis.Result r = analysis.run(algorithm, pattern, THRESHOLD, 1000, 10, 7);
                String what = algorithm + " on " + pattern + ": " + r;
                assertEquals(pattern == ArrivalPattern.BOUNDARY_BURST ? THRESHOLD * 10 : 2 * THRESHOLD * 10, r.arrivals(), what);
                assertTrue(r.maxInAnyWindow() <= knownBound(algorithm), what);
                assertTrue(r.admitted() >= THRESHOLD, "admits at least one window's worth: " + what);
                if (pattern != ArrivalPattern.BOUNDARY_BURST) { // a fixed window rightly admits a burst on each side
                    assertTrue(r.admitted() < r.arrivals(), "throttles some of twice the limit: " + what);
                }
            }
        }
    }

    /**
     * The most each algorithm may admit in any window of the limit's length, by its design, for a limit of THRESHOLD per
     * window (bucket algorithms: a bucket of THRESHOLD refilled at THRESHOLD per window). Written here, not taken from
     * the code under test.
     */
    private static long knownBound(Algorithm algorithm) {
        return switch (algorithm) {
            case SLIDING_WINDOW_LOG -> THRESHOLD; // exact: the log holds every admission of the last window
            case TOKEN_BUCKET, GCRA -> 2 * THRESHOLD; // a full bucket, then one window of refill
            case FIXED_WINDOW -> 2 * THRESHOLD; // a full window just before a boundary and another just after
            case SLIDING_WINDOW_COUNTER -> 2 * THRESHOLD; // its estimate can lag the true count by at most a window's
            default -> throw new IllegalArgumentException(algorithm.toString());
        };
    }

    @Test
    void theSlidingLogIsExactEvenWhereOthersOvershoot() {
        AccuracyAnalysis.Result log = analysis.run(Algorithm.SLIDING_WINDOW_LOG, ArrivalPattern.BOUNDARY_BURST, THRESHOLD, 1000, 10, 7);
        assertEquals(THRESHOLD, log.maxInAnyWindow());
        AccuracyAnalysis.Result fixed = analysis.run(Algorithm.FIXED_WINDOW, ArrivalPattern.BOUNDARY_BURST, THRESHOLD, 1000, 10, 7);
        assertEquals(2 * THRESHOLD, fixed.maxInAnyWindow(), "a full window on each side of a boundary");
        AccuracyAnalysis.Result bucket = analysis.run(Algorithm.TOKEN_BUCKET, ArrivalPattern.UNIFORM, THRESHOLD, 1000, 10, 7);
        assertTrue(bucket.maxInAnyWindow() >= 2 * THRESHOLD - 1, "a full bucket, then a window of refill: " + bucket);
    }

    @Test
    void maxInAnyWindowCountsHalfOpenWindows() {
        long[] times = {0, 10, 20, 1000, 1005, 3000};
        assertEquals(4, ArrivalPattern.maxInAnyWindow(times, times.length, 1000)); // (5, 1005]
        assertEquals(5, ArrivalPattern.maxInAnyWindow(times, times.length, 2000)); // (-995, 1005]
        assertEquals(1, ArrivalPattern.maxInAnyWindow(times, times.length, 1));
    }
}
