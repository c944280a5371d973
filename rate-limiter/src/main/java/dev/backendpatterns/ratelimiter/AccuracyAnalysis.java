package dev.backendpatterns.ratelimiter;

import dev.backendpatterns.common.redis.RedisConnection;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * Replays an arrival pattern through an algorithm's real script on a real server, each decision at its arrival's
 * explicit time instead of the server clock, and finds the most requests admitted in any window of the limit's
 * length. Deterministic, so it tells how far each algorithm can overshoot "threshold per window".
 */
public final class AccuracyAnalysis {
    private final RedisConnection connection;
    private final String runTag;

    public AccuracyAnalysis(RedisConnection connection, String runTag) {
        this.connection = connection;
        this.runTag = runTag;
    }

    /** The outcome of one replay. */
    public record Result(Algorithm algorithm, ArrivalPattern pattern, long arrivals, long admitted, long maxInAnyWindow,
            long limit, long boundPerWindow, long maxRetryAfterMillis) {

        public double overshoot() {
            return (double) maxInAnyWindow / limit;
        }

        public Map<String, Object> toMap() {
            Map<String, Object> map = new LinkedHashMap<>();
            map.put("algorithm", algorithm.id());
            map.put("pattern", pattern.id());
            map.put("arrivals", arrivals);
            map.put("admitted", admitted);
            map.put("max_in_any_window", maxInAnyWindow);
            map.put("limit_per_window", limit);
            map.put("bound_per_window", boundPerWindow);
            map.put("overshoot", Math.round(overshoot() * 1000) / 1000.0);
            return map;
        }
    }

    /**
     * Replays {@code pattern} over {@code windows} windows through {@code algorithm}, configured as
     * {@code threshold} per {@code windowMillis} (bucket algorithms: a bucket of {@code threshold} refilled at
     * {@code threshold} per window).
     */
    public Result run(Algorithm algorithm, ArrivalPattern pattern, long threshold, long windowMillis, int windows, long seed) {
        if (!algorithm.scripted() || algorithm == Algorithm.NOOP) {
            throw new IllegalArgumentException("accuracy is measured for the Lua algorithms only, not " + algorithm);
        }
        Limits limits = Limits.perWindow(threshold, windowMillis);
        long windowMicros = windowMillis * 1000;
        long start = windowMicros * 1_000_000L;
        long[] arrivals = pattern.arrivals(start, windowMicros, threshold, windows, seed);
        KeySpace keys = new KeySpace(runTag + ":accuracy:" + algorithm.id() + ":" + pattern.id(), 1);
        LuaRateLimiter limiter = new LuaRateLimiter(algorithm, limits, keys, connection, runTag + ":" + algorithm.id(), false);
        long[] admittedTimes = new long[arrivals.length];
        int admitted = 0;
        long maxRetry = 0;
        try {
            for (int from = 0; from < arrivals.length; from += 1000) {
                int to = Math.min(arrivals.length, from + 1000);
                List<CompletionStage<Long>> batch = new ArrayList<>(to - from);
                for (int i = from; i < to; i++) {
                    batch.add(limiter.acquireAt(0, i, arrivals[i]));
                }
                connection.flush();
                for (int i = from; i < to; i++) {
                    long decision = await(batch.get(i - from));
                    if (Decision.allowed(decision)) {
                        admittedTimes[admitted++] = arrivals[i];
                    } else {
                        maxRetry = Math.max(maxRetry, Decision.retryAfterMillis(decision));
                    }
                }
            }
        } finally {
            limiter.deleteState();
        }
        long max = ArrivalPattern.maxInAnyWindow(admittedTimes, admitted, windowMicros);
        return new Result(algorithm, pattern, arrivals.length, admitted, max, threshold, bound(algorithm, threshold), maxRetry);
    }

    /** The most an algorithm may admit in any window by its design, for a limit of {@code threshold} per window. */
    static long bound(Algorithm algorithm, long threshold) {
        return switch (algorithm) {
            case SLIDING_WINDOW_LOG -> threshold;
            // a full bucket plus one window of refill; two aligned windows' worth straddling a boundary
            case TOKEN_BUCKET, GCRA, FIXED_WINDOW, SLIDING_WINDOW_COUNTER -> 2 * threshold;
            default -> Long.MAX_VALUE;
        };
    }

    private static long await(CompletionStage<Long> stage) {
        try {
            return stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("accuracy replay failed: " + e.getMessage(), e);
        }
    }
}
