package dev.backendpatterns.common.load;

import java.util.ArrayDeque;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The shared state of one phase of a run (the warm-up, or the measured run): the permits that bound what is in
 * flight, the recorders, the counts, and the requests in flight in the order they were issued, so that the
 * dispatcher can expire the overdue ones from the head. Completions arrive on the client's threads; everything
 * else is the dispatcher's.
 */
final class Phase {
    final Semaphore permits;
    final int inFlightLimit;
    final Recorder latency = new Recorder(3);
    final Recorder dispatchLag;
    /** Latency per outcome, when asked for; null otherwise. */
    private final ConcurrentHashMap<String, Recorder> byOutcome;
    final OutcomeCounter counter = new OutcomeCounter();
    final Health health = new Health();
    private final long timeoutNanos;
    /**
     * Set by the dispatcher before it parks for want of a permit; the completion that frees the {@link #wakeThreshold}-th
     * permit clears it and wakes the dispatcher, which then issues that many requests in one go. Waking it on every
     * completion (a semaphore's own wait) cost a thread hand-off per request.
     */
    private final AtomicBoolean dispatcherParked = new AtomicBoolean();
    private volatile Thread dispatcher;
    private final int wakeThreshold;
    /** Issued requests, oldest first; only the dispatcher touches it. */
    private final ArrayDeque<PendingRequest> inFlight = new ArrayDeque<>(1024);

    Phase(int inFlightLimit, long timeoutNanos, boolean openLoop, boolean latencyByOutcome) {
        this.byOutcome = latencyByOutcome ? new ConcurrentHashMap<>() : null;
        this.permits = new Semaphore(inFlightLimit);
        this.inFlightLimit = inFlightLimit;
        this.wakeThreshold = Math.max(1, inFlightLimit / 16);
        this.timeoutNanos = timeoutNanos;
        this.dispatchLag = openLoop ? new Recorder(3) : null;
    }

    /** Dispatcher: a request was issued; it will end by completion or by {@link #expireOverdue}. */
    void track(PendingRequest request) {
        inFlight.addLast(request);
    }

    /** Any thread: the operation completed the request (it won the race against the timeout). */
    void completed(PendingRequest request, String outcome, Throwable error) {
        long now = System.nanoTime();
        long micros = Math.max(0, (now - request.latencyOriginNanos) / 1000);
        latency.recordValue(micros);
        if (byOutcome != null) {
            String name = error != null || outcome == null ? LoadRunner.ERROR : outcome;
            Recorder r = byOutcome.get(name);
            (r != null ? r : byOutcome.computeIfAbsent(name, n -> new Recorder(3))).recordValue(micros);
        }
        counter.record(outcome, error);
        health.record(error == null && outcome != null, now);
        permits.release();
        if (dispatcherParked.get() && permits.availablePermits() >= wakeThreshold && dispatcherParked.compareAndSet(true, false)) {
            LockSupport.unpark(dispatcher);
        }
    }

    /**
     * Dispatcher: takes a permit, parking up to {@code maxNanos} when none is free until a completion frees enough of
     * them; false if none was free by then (the caller checks its deadlines and asks again).
     */
    boolean awaitPermit(long maxNanos) {
        if (permits.tryAcquire()) {
            return true;
        }
        dispatcher = Thread.currentThread();
        dispatcherParked.set(true);
        // re-read after announcing the park: a completion that freed permits before it saw the flag woke nobody
        if (permits.availablePermits() < wakeThreshold) {
            LockSupport.parkNanos(this, maxNanos);
        }
        dispatcherParked.set(false);
        return permits.tryAcquire();
    }

    /** Dispatcher: an outcome decided without a request. */
    void local(String outcome) {
        counter.record(outcome, null);
        permits.release();
    }

    /**
     * Dispatcher: ends, as {@value LoadRunner#TIMEOUT}, every request issued more than the timeout ago that has not
     * completed; their latency is recorded as the time until they were given up. Returns how many it ended.
     */
    int expireOverdue(long now) {
        int expired = 0;
        PendingRequest head;
        while ((head = inFlight.peekFirst()) != null) {
            if (!head.ended()) {
                if (now - head.issuedNanos < timeoutNanos) {
                    break;
                }
                if (head.expire()) {
                    long micros = Math.max(0, (now - head.latencyOriginNanos) / 1000);
                    latency.recordValue(micros);
                    if (byOutcome != null) {
                        byOutcome.computeIfAbsent(LoadRunner.TIMEOUT, n -> new Recorder(3)).recordValue(micros);
                    }
                    counter.recordTimeout();
                    health.record(false, now);
                    permits.release();
                    expired++;
                }
            }
            inFlight.pollFirst();
        }
        return expired;
    }

    /** The latency of each outcome, once every request has ended; empty when not asked for. */
    Map<String, Histogram> latencyByOutcome() {
        Map<String, Histogram> result = new TreeMap<>();
        if (byOutcome != null) {
            byOutcome.forEach((name, recorder) -> result.put(name, recorder.getIntervalHistogram()));
        }
        return result;
    }

    /**
     * Since when requests have failed with none succeeding. A success only reads a volatile unless requests are
     * failing, so completions on several I/O threads do not fight over one cache line.
     */
    static final class Health {
        private static final long NOT_FAILING = Long.MIN_VALUE;
        private volatile long failingSince = NOT_FAILING;

        void record(boolean success, long now) {
            if (success) {
                if (failingSince != NOT_FAILING) {
                    failingSince = NOT_FAILING;
                }
            } else if (failingSince == NOT_FAILING) {
                failingSince = now;
            }
        }

        /** How long requests have been failing with none succeeding, or 0. */
        long failingFor(long now) {
            long since = failingSince;
            return since == NOT_FAILING ? 0 : now - since;
        }
    }
}
