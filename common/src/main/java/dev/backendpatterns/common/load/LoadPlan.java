package dev.backendpatterns.common.load;

import java.time.Duration;

/**
 * How much load to offer: either {@code requests} operations or as many as fit in {@code duration}, with at most
 * {@code inFlight} outstanding; closed loop when {@code ratePerSecond} is 0, otherwise open loop at that rate with
 * latency measured from each request's intended start; with a {@code schedule}, open loop at the times it gives, until
 * it ends (then {@code requests} is only an upper bound). The {@code warmup} is sent first and not counted.
 */
public record LoadPlan(long requests, Duration duration, int inFlight, double ratePerSecond, Warmup warmup, Schedule schedule) {

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
        if (warmup == null) {
            throw new IllegalArgumentException("warm-up must be given (Warmup.NONE for none)");
        }
        if (schedule != null && ratePerSecond > 0) {
            throw new IllegalArgumentException("a plan has a rate or a schedule, not both");
        }
    }

    public LoadPlan(long requests, Duration duration, int inFlight, double ratePerSecond, Warmup warmup) {
        this(requests, duration, inFlight, ratePerSecond, warmup, null);
    }

    /** {@code requests} requests, closed loop, no warm-up. */
    public static LoadPlan ofRequests(long requests, int inFlight) {
        return new LoadPlan(requests, null, inFlight, 0, Warmup.NONE);
    }

    /** As many requests as fit in {@code duration}, closed loop, no warm-up. */
    public static LoadPlan ofDuration(Duration duration, int inFlight) {
        return new LoadPlan(0, duration, inFlight, 0, Warmup.NONE);
    }

    public boolean timed() {
        return duration != null;
    }

    public boolean openLoop() {
        return ratePerSecond > 0 || schedule != null;
    }

    /** This plan, open loop at the times {@code value} gives (and no warm-up: a schedule is one pass). */
    public LoadPlan withSchedule(Schedule value) {
        return new LoadPlan(requests, duration, inFlight, 0, Warmup.NONE, value);
    }

    public LoadPlan withWarmup(Warmup value) {
        return new LoadPlan(requests, duration, inFlight, ratePerSecond, value, schedule);
    }

    public LoadPlan withInFlight(int limit) {
        return new LoadPlan(requests, duration, limit, ratePerSecond, warmup, schedule);
    }

    public LoadPlan withRate(double perSecond) {
        return new LoadPlan(requests, duration, inFlight, perSecond, warmup, schedule);
    }

    /** The plan of the warm-up phase: the same concurrency and rate, for the warm-up's requests or time. */
    LoadPlan warmupPhase() {
        return new LoadPlan(warmup.requests(), warmup.duration(), inFlight, ratePerSecond, Warmup.NONE, null);
    }
}
