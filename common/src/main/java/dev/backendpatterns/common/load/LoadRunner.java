package dev.backendpatterns.common.load;

import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The one load generator of the suite. A single dispatcher thread starts requests through an asynchronous
 * {@link Operation}, never more than the plan's in-flight limit at once (a semaphore, not a thread per request).
 *
 * <p>Latency is measured the way YCSB and OpenMessaging Benchmark do it. In closed loop (the default) a request's
 * latency starts when it is issued, after it got its permit, so the wait for a free slot is not charged to it. In
 * open loop ({@code --rate}) requests are due at fixed intervals and latency starts at each one's intended start, so
 * a stalled server shows in the percentiles instead of silently slowing the load down (coordinated omission); how
 * late the client itself issued each request is kept apart, as the dispatch lag.
 *
 * <p>Every request ends exactly once: with its operation's outcome, as an error, or, when it has not completed within
 * the request timeout (plus a margin), as {@value #TIMEOUT}, after which its permit is released and a late completion
 * is ignored. So no wait is unbounded: a run ends within its duration plus the timeout whatever the operation does,
 * and a run whose requests keep failing with none succeeding (the server died; see {@link RunnerSettings#abortAfterNanos})
 * stops sending and ends, aborted. A {@link StopSignal} (Ctrl-C) stops it the same way, marked incomplete.
 */
public final class LoadRunner {
    /** The outcome of a request that failed: its stage completed exceptionally, or {@link Operation#start} threw. */
    public static final String ERROR = "error";
    /** The outcome of a request that did not complete within the request timeout. */
    public static final String TIMEOUT = "timeout";

    private static final int MAX_UNFLUSHED = 128;
    /** Set on a dispatcher thread while it runs a phase: see {@link #dispatching()}. */
    private static final ThreadLocal<Boolean> DISPATCHING = ThreadLocal.withInitial(() -> Boolean.FALSE);
    private static final long POLL_NANOS = TimeUnit.MICROSECONDS.toNanos(500);

    private final RunnerSettings settings;

    public LoadRunner(RunnerSettings settings) {
        this.settings = settings;
    }

    /** A runner with this request timeout, one-second series and no progress line. */
    public LoadRunner(Duration requestTimeout) {
        this(RunnerSettings.of(requestTimeout));
    }

    public RunnerSettings settings() {
        return settings;
    }

    /** Runs the plan's warm-up with {@code warmup} (not measured), then the plan itself with {@code measured}. */
    public Measurement run(Operation warmup, Operation measured, LoadPlan plan) {
        if (!plan.warmup().none()) {
            Measurement warm = execute(warmup, plan.warmupPhase(), "warm-up", false);
            if (!warm.complete()) {
                return execute(measured, plan, "", true, warm.stopReason());
            }
        }
        return execute(measured, plan, "", true);
    }

    public Measurement run(Operation operation, LoadPlan plan) {
        return run(operation, operation, plan);
    }

    /**
     * Whether the calling thread is a runner's dispatcher inside a phase, so that whatever request it starts now is
     * bounded by the runner's own timeout. A client may then skip a timer of its own for the calls it makes (Lettuce
     * schedules one per command, about a seventh of a publishing client's CPU): see the Redis target's timeouts.
     */
    public static boolean dispatching() {
        return DISPATCHING.get();
    }

    private Measurement execute(Operation op, LoadPlan plan, String label, boolean measured) {
        return execute(op, plan, label, measured, null);
    }

    /** One phase; with {@code skipReason} set nothing is sent and the measurement says why. */
    private Measurement execute(Operation op, LoadPlan plan, String label, boolean measured, String skipReason) {
        long expiryNanos = settings.expiryNanos();
        long abortNanos = settings.abortAfterNanos();
        boolean open = plan.openLoop();
        Phase phase = new Phase(plan.inFlight(), expiryNanos, open, measured && settings.latencyByOutcome());
        long limit = plan.timed() ? Long.MAX_VALUE : plan.requests();
        double intervalNanos = plan.ratePerSecond() > 0 ? 1e9 / plan.ratePerSecond() : 0;
        Schedule schedule = plan.schedule();
        StopSignal stop = settings.stop();

        long start = System.nanoTime();
        long deadline = plan.timed() ? start + plan.duration().toNanos() : Long.MAX_VALUE;
        long sent = 0;
        int unflushed = 0;
        String stopReason = skipReason;
        if (schedule != null) {
            schedule.started(start);
        }
        IntervalSampler sampler = new IntervalSampler(phase, settings, plan, label, start, measured);
        boolean outerDispatch = DISPATCHING.get();
        DISPATCHING.set(Boolean.TRUE);
        try {
            while (sent < limit && stopReason == null) {
                if ((sent & 255) == 0) {
                    stopReason = checkStop(phase, stop, System.nanoTime(), abortNanos);
                    if (stopReason != null) {
                        break;
                    }
                }
                long intended = 0;
                if (open) {
                    if (schedule != null) {
                        long due = schedule.dueNanos(sent);
                        if (due == Schedule.END) {
                            break;
                        }
                        intended = start + due;
                    } else {
                        intended = start + (long) (sent * intervalNanos);
                    }
                    if (intended >= deadline) {
                        break;
                    }
                    if (intended > System.nanoTime()) {
                        op.flush();
                        unflushed = 0;
                        stopReason = waitUntil(intended, phase, stop, abortNanos);
                        if (stopReason != null) {
                            break;
                        }
                    }
                }
                if (!phase.permits.tryAcquire()) {
                    op.flush();
                    unflushed = 0;
                    stopReason = acquire(op, phase, stop, abortNanos, deadline);
                    if (stopReason != null) {
                        if (stopReason.isEmpty()) {
                            stopReason = null; // the duration ran out while waiting: a normal end
                        }
                        break;
                    }
                }
                long issued = System.nanoTime();
                if (issued >= deadline) {
                    phase.permits.release();
                    break;
                }
                if (open) {
                    phase.dispatchLag.recordValue(Math.max(0, (issued - intended) / 1000));
                }
                long origin = open ? intended : issued;
                sent++;
                CompletionStage<String> stage;
                try {
                    stage = op.start(sent - 1);
                } catch (RuntimeException e) {
                    new PendingRequest(phase, issued, origin).accept(null, e);
                    continue;
                }
                if (stage instanceof LocalOutcome local) {
                    phase.local(local.outcome());
                    continue;
                }
                PendingRequest request = new PendingRequest(phase, issued, origin);
                phase.track(request);
                stage.whenComplete(request);
                if (++unflushed >= MAX_UNFLUSHED) {
                    op.flush();
                    unflushed = 0;
                }
            }
            op.flush();
            awaitCompletion(op, phase);
        } finally {
            DISPATCHING.set(outerDispatch);
            sampler.close();
        }
        long elapsed = System.nanoTime() - start;
        long ended = phase.counter.ended();
        if (ended != sent) {
            throw new IllegalStateException("the runner lost track of " + (sent - ended) + " requests");
        }
        return new Measurement(sent, phase.counter.outcomes(), phase.counter.errors(), sampler.latencyTotal(),
                sampler.lagTotal(), elapsed, stopReason == null, stopReason, sampler.series())
                .withLatencyByOutcome(phase.latencyByOutcome());
    }

    /** Why the run must stop now (a stop was asked, or every request fails), or null. */
    private static String checkStop(Phase phase, StopSignal stop, long now, long abortNanos) {
        if (stop.stopped()) {
            return stop.reason();
        }
        phase.expireOverdue(now);
        if (phase.health.failingFor(now) > abortNanos) {
            return "no request succeeded for " + TimeUnit.NANOSECONDS.toMillis(abortNanos) + " ms while requests kept failing";
        }
        return null;
    }

    /**
     * Waits for a permit, flushing and expiring overdue requests meanwhile. Returns null once it holds one, "" when the
     * run's deadline passed, or why the run must stop.
     */
    private static String acquire(Operation op, Phase phase, StopSignal stop, long abortNanos, long deadline) {
        while (!phase.awaitPermit(POLL_NANOS)) {
            if (Thread.currentThread().isInterrupted()) {
                return "interrupted";
            }
            op.flush();
            long now = System.nanoTime();
            String reason = checkStop(phase, stop, now, abortNanos);
            if (reason != null) {
                return reason;
            }
            if (now >= deadline) {
                return "";
            }
        }
        return null;
    }

    /** Parks until {@code nanoTime}, waking to expire overdue requests; null, or why the run must stop. */
    private static String waitUntil(long nanoTime, Phase phase, StopSignal stop, long abortNanos) {
        long remaining;
        while ((remaining = nanoTime - System.nanoTime()) > 0) {
            LockSupport.parkNanos(Math.min(remaining, TimeUnit.MILLISECONDS.toNanos(100)));
            if (remaining > TimeUnit.MILLISECONDS.toNanos(100)) {
                String reason = checkStop(phase, stop, System.nanoTime(), abortNanos);
                if (reason != null) {
                    return reason;
                }
            }
        }
        return null;
    }

    /**
     * Waits until every issued request has ended. Bounded: each one either completes or is expired by the timeout, and
     * the dispatcher expires them here.
     */
    private static void awaitCompletion(Operation op, Phase phase) {
        try {
            while (!phase.permits.tryAcquire(phase.inFlightLimit, 1, TimeUnit.MILLISECONDS)) {
                op.flush();
                phase.expireOverdue(System.nanoTime());
            }
            phase.permits.release(phase.inFlightLimit);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the last requests", e);
        }
    }
}
