package dev.backendpatterns.ratelimiter;

/**
 * One request's decision in one integer, as a {@link RateLimiter} completes it: {@code >= 0} means allowed with that
 * many requests remaining; {@code < 0} means throttled, to be retried after {@code -value - 1} milliseconds. A script
 * call decides one or many keys and returns three numbers per key, {admitted, remaining, retry_after_ms} for the
 * requests of that key it was given; {@link LuaRateLimiter#decode} turns them into each request's decision.
 */
public final class Decision {
    private Decision() {
    }

    public static boolean allowed(long decision) {
        return decision >= 0;
    }

    public static long remaining(long decision) {
        return decision >= 0 ? decision : 0;
    }

    public static long retryAfterMillis(long decision) {
        return decision >= 0 ? 0 : -decision - 1;
    }

    public static long allow(long remaining) {
        if (remaining < 0) {
            throw new IllegalArgumentException("remaining must not be negative");
        }
        return remaining;
    }

    public static long throttle(long retryAfterMillis) {
        if (retryAfterMillis < 0) {
            throw new IllegalArgumentException("retry-after must not be negative");
        }
        return -retryAfterMillis - 1;
    }

    public static String describe(long decision) {
        return allowed(decision) ? "allowed, remaining " + remaining(decision) : "throttled, retry after " + retryAfterMillis(decision) + " ms";
    }
}
