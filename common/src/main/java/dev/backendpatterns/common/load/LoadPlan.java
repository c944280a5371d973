package dev.backendpatterns.common.load;

import java.time.Duration;

/**
 * How much load to offer: either {@code requests} operations or as many as fit in {@code duration}, with at
 * most {@code inFlight} outstanding; closed loop when {@code ratePerSecond} is 0, otherwise open loop at that
 * rate with latency measured from each request's intended start. {@code warmupRequests} are issued first
 * and not counted.
 */
public record LoadPlan(long requests, Duration duration, int inFlight, double ratePerSecond, long warmupRequests) {

    public LoadPlan {
        if (duration == null) {
            if (requests <= 0) {
                throw new IllegalArgumentException("requests must be positive, was " + requests);
            }
        } else if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("duration must be positive, was " + duration);
        }
        if (inFlight <= 0) {
            throw new IllegalArgumentException("in-flight limit (semaphore) must be positive, was " + inFlight);
        }
        if (ratePerSecond < 0 || Double.isNaN(ratePerSecond) || Double.isInfinite(ratePerSecond)) {
            throw new IllegalArgumentException("rate must be 0 (closed loop) or a positive number, was " + ratePerSecond);
        }
        if (warmupRequests < 0) {
            throw new IllegalArgumentException("warm-up requests must not be negative, was " + warmupRequests);
        }
    }

    public static LoadPlan ofRequests(long requests, int inFlight) {
        return new LoadPlan(requests, null, inFlight, 0, 0);
    }

    public boolean timed() {
        return duration != null;
    }

    public LoadPlan withWarmup(long warmup) {
        return new LoadPlan(requests, duration, inFlight, ratePerSecond, warmup);
    }

    public LoadPlan withInFlight(int limit) {
        return new LoadPlan(requests, duration, limit, ratePerSecond, warmupRequests);
    }

    /** The plan of the warm-up phase: the same concurrency and rate, {@code warmupRequests} requests. */
    LoadPlan warmupPhase() {
        return new LoadPlan(warmupRequests, null, inFlight, ratePerSecond, 0);
    }
}
