package dev.backendpatterns.common.load;

import java.time.Duration;

/**
 * What is sent before a run is measured, and not counted: a number of requests, or a time. A measured run starts
 * warm, so class loading and JIT compilation are not charged to the first requests (in open loop they would be
 * charged to every request due during them).
 */
public record Warmup(long requests, Duration duration) {
    public static final Warmup NONE = new Warmup(0, null);

    public Warmup {
        if (requests < 0) {
            throw new IllegalArgumentException("warm-up requests must not be negative, was " + requests);
        }
        if (duration != null && (duration.isNegative() || duration.isZero())) {
            throw new IllegalArgumentException("warm-up time must be positive, was " + duration);
        }
        if (duration != null && requests > 0) {
            throw new IllegalArgumentException("a warm-up is a number of requests or a time, not both");
        }
    }

    public static Warmup ofRequests(long requests) {
        return requests == 0 ? NONE : new Warmup(requests, null);
    }

    public static Warmup ofDuration(Duration duration) {
        return new Warmup(0, duration);
    }

    public boolean none() {
        return requests == 0 && duration == null;
    }

    public boolean timed() {
        return duration != null;
    }

    /** As {@code --warmup} takes it: {@code 0}, a count, or a duration in milliseconds ({@code 3000ms}). */
    @Override
    public String toString() {
        return none() ? "0" : timed() ? duration.toMillis() + "ms" : Long.toString(requests);
    }
}
