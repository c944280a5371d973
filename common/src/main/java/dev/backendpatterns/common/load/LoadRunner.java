package dev.backendpatterns.common.load;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The one load generator of the suite. A single dispatcher thread starts requests through an asynchronous
 * {@link Operation}, never more than the plan's in-flight limit at once (a semaphore, not a thread per
 * request). Closed loop by default; with a rate, requests are scheduled at fixed intervals and latency is
 * measured from each one's intended start, so a stalled server shows in the percentiles instead of
 * silently slowing the load down (coordinated omission, as YCSB and OpenMessaging Benchmark handle it).
 * Every request sent ends in exactly one outcome; requests with no answer within the completion timeout
 * after the last one was sent are counted as errors. When requests keep failing and none has succeeded for the
 * completion timeout (the server died), the run stops sending and ends, aborted, instead of spinning on errors.
 */
public final class LoadRunner {
    /** The outcome of a request that failed (exception, timeout, no answer). */
    public static final String ERROR = "error";

    private static final int MAX_UNFLUSHED = 128;
    private static final long FLUSH_POLL_NANOS = TimeUnit.MICROSECONDS.toNanos(500);

    private final Duration completionTimeout;
    private final PrintStream progressOut;

    /**
     * @param completionTimeout how long to wait for the last answers once everything was sent; should exceed
     *     the client's command timeout
     * @param progressOut where to draw a one-line progress display, or null for none
     */
    public LoadRunner(Duration completionTimeout, PrintStream progressOut) {
        if (completionTimeout.isNegative() || completionTimeout.isZero()) {
            throw new IllegalArgumentException("completion timeout must be positive");
        }
        this.completionTimeout = completionTimeout;
        this.progressOut = progressOut;
    }

    /** Runs the plan's warm-up with {@code warmup} (not measured), then the plan itself with {@code measured}. */
    public Measurement run(Operation warmup, Operation measured, LoadPlan plan) {
        if (plan.warmupRequests() > 0) {
            execute(warmup, plan.warmupPhase(), "warm-up");
        }
        return execute(measured, plan, "");
    }

    public Measurement run(Operation operation, LoadPlan plan) {
        return run(operation, operation, plan);
    }

    private Measurement execute(Operation op, LoadPlan plan, String label) {
        Semaphore permits = new Semaphore(plan.inFlight());
        Recorder recorder = new Recorder(3);
        OutcomeCounter counter = new OutcomeCounter();
        AtomicBoolean closed = new AtomicBoolean();
        Health health = new Health();
        long limit = plan.timed() ? Long.MAX_VALUE : plan.requests();
        double intervalNanos = plan.ratePerSecond() > 0 ? 1e9 / plan.ratePerSecond() : 0;

        long start = System.nanoTime();
        long deadline = plan.timed() ? start + plan.duration().toNanos() : Long.MAX_VALUE;
        Progress progress = progressOut == null ? null : new Progress(progressOut, label, plan, start, counter);
        long sent = 0;
        int unflushed = 0;
        String abortReason = null;
        long abortAfterNanos = completionTimeout.toNanos();
        try {
            for (; sent < limit; sent++) {
                if ((sent & 1023) == 0 && health.failingFor(System.nanoTime()) > abortAfterNanos) {
                    abortReason = abortMessage();
                    break;
                }
                long intended;
                if (intervalNanos > 0) {
                    intended = start + (long) (sent * intervalNanos);
                    if (intended >= deadline) {
                        break;
                    }
                    if (intended > System.nanoTime()) {
                        op.flush();
                        unflushed = 0;
                        waitUntil(intended);
                    }
                } else {
                    intended = System.nanoTime();
                    if (intended >= deadline) {
                        break;
                    }
                }
                if (!permits.tryAcquire()) {
                    op.flush();
                    unflushed = 0;
                    while (!permits.tryAcquire(FLUSH_POLL_NANOS, TimeUnit.NANOSECONDS)) {
                        op.flush();
                        if (health.failingFor(System.nanoTime()) > abortAfterNanos) {
                            break;
                        }
                    }
                    if (health.failingFor(System.nanoTime()) > abortAfterNanos) {
                        abortReason = abortMessage();
                        break;
                    }
                }
                CompletionStage<String> stage;
                try {
                    stage = op.start(sent);
                } catch (RuntimeException e) {
                    counter.record(null, e);
                    permits.release();
                    continue;
                }
                long intendedStart = intended;
                stage.whenComplete((outcome, error) -> {
                    if (closed.get()) {
                        return;
                    }
                    long now = System.nanoTime();
                    recorder.recordValue(Math.max(0, (now - intendedStart) / 1000));
                    counter.record(outcome, error);
                    health.record(error == null, now);
                    permits.release();
                });
                if (++unflushed >= MAX_UNFLUSHED) {
                    op.flush();
                    unflushed = 0;
                }
            }
            op.flush();
            awaitCompletion(op, permits, plan.inFlight());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            closed.set(true);
            if (progress != null) {
                progress.close();
            }
        }
        long elapsed = System.nanoTime() - start;
        long unanswered = sent - counter.completed();
        if (unanswered > 0) {
            counter.recordLost(unanswered, "no answer within " + completionTimeout.toMillis() + " ms after the last request was sent");
        }
        Histogram latency = recorder.getIntervalHistogram();
        return new Measurement(sent, counter.outcomes(), counter.errors(), latency, elapsed, abortReason);
    }

    /**
     * Since when requests have failed with none succeeding. A success only reads a volatile unless requests are
     * failing, so completions on several I/O threads do not fight over one cache line.
     */
    private static final class Health {
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

    private String abortMessage() {
        return "no request succeeded for " + completionTimeout.toMillis() + " ms while requests kept failing";
    }

    private void awaitCompletion(Operation op, Semaphore permits, int inFlight) throws InterruptedException {
        long giveUp = System.nanoTime() + completionTimeout.toNanos();
        while (!permits.tryAcquire(inFlight, 1, TimeUnit.MILLISECONDS)) {
            if (System.nanoTime() > giveUp) {
                return;
            }
            op.flush();
        }
    }

    private static void waitUntil(long nanoTime) {
        long remaining;
        while ((remaining = nanoTime - System.nanoTime()) > 0) {
            LockSupport.parkNanos(remaining);
        }
    }

    /** A one-line display, redrawn every second: percent done, completed requests, rate and ETA. */
    private static final class Progress implements AutoCloseable {
        private final PrintStream out;
        private final String label;
        private final LoadPlan plan;
        private final long start;
        private final OutcomeCounter counter;
        private final Thread thread;

        Progress(PrintStream out, String label, LoadPlan plan, long start, OutcomeCounter counter) {
            this.out = out;
            this.label = label.isEmpty() ? "" : label + " ";
            this.plan = plan;
            this.start = start;
            this.counter = counter;
            this.thread = new Thread(this::loop, "progress");
            this.thread.setDaemon(true);
            this.thread.start();
        }

        private void loop() {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    Thread.sleep(1000);
                    draw();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private void draw() {
            double seconds = (System.nanoTime() - start) / 1e9;
            long done = counter.completed();
            double rate = done / seconds;
            double fraction = plan.timed() ? seconds / plan.duration().toSeconds() : (double) done / plan.requests();
            fraction = Math.min(1, fraction);
            double eta = fraction > 0 ? seconds / fraction - seconds : Double.NaN;
            out.printf(Locale.ROOT, "\r%s%5.1f%%  %,d done  %,.0f/s  ETA %s   ", label, fraction * 100, done, rate,
                    Double.isNaN(eta) ? "?" : String.format(Locale.ROOT, "%.0fs", eta));
            out.flush();
        }

        @Override
        public void close() {
            thread.interrupt();
            out.print("\r" + " ".repeat(72) + "\r");
            out.flush();
        }
    }
}
