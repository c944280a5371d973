package dev.backendpatterns.common.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoadRunnerTest {
    private static final ScheduledExecutorService SERVER = Executors.newScheduledThreadPool(2);

    @AfterAll
    static void stop() {
        SERVER.shutdownNow();
    }

    /** Completes after {@code micros} on another thread, like a client's I/O thread. */
    private static CompletionStage<String> later(long micros, String outcome, RuntimeException error) {
        CompletableFuture<String> f = new CompletableFuture<>();
        SERVER.schedule(() -> {
            if (error != null) {
                f.completeExceptionally(error);
            } else {
                f.complete(outcome);
            }
        }, micros, TimeUnit.MICROSECONDS);
        return f;
    }

    private static long sum(Map<String, Long> counts) {
        return counts.values().stream().mapToLong(Long::longValue).sum();
    }

    @Test
    void everyRequestEndsInExactlyOneOutcome() {
        AtomicInteger maxInFlight = new AtomicInteger();
        AtomicInteger inFlight = new AtomicInteger();
        Operation op = index -> {
            maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            CompletionStage<String> result = index % 10 == 0 ? later(50, null, new IllegalStateException("boom"))
                    : later(50, index % 2 == 0 ? "even" : "odd", null);
            return result.whenComplete((r, e) -> inFlight.decrementAndGet());
        };
        Measurement m = new LoadRunner(Duration.ofSeconds(5)).run(op, LoadPlan.ofRequests(20_000, 16));
        assertEquals(20_000, m.sent());
        assertEquals(2_000, m.outcome(LoadRunner.ERROR));
        assertEquals(10_000, m.outcome("odd"));
        assertEquals(8_000, m.outcome("even"));
        assertEquals(2_000, m.errors().get("IllegalStateException: boom"));
        assertEquals(20_000, m.latencyMicros().getTotalCount());
        assertTrue(m.complete());
        assertTrue(maxInFlight.get() <= 16, "in flight never exceeds the semaphore, was " + maxInFlight.get());
    }

    @Test
    void aRequestThatNeverCompletesIsCountedOnceAsATimeoutAndFreesItsSlot() {
        // one slot only: before, the first request that never answered held it for ever and the run hung. Each of the
        // five answers "late", 200 ms after it was issued and 50 ms after the runner gave it up (timeout + margin):
        // the first four while the run goes on, the last after it ended
        Operation op = index -> {
            if (index % 10 == 3) {
                CompletableFuture<String> f = new CompletableFuture<>();
                CompletableFuture.delayedExecutor(200, TimeUnit.MILLISECONDS).execute(() -> f.complete("late"));
                return f;
            }
            return CompletableFuture.completedFuture("ok");
        };
        long start = System.nanoTime();
        Measurement m = new LoadRunner(Duration.ofMillis(100)).run(op, LoadPlan.ofRequests(50, 1));
        double seconds = (System.nanoTime() - start) / 1e9;
        assertEquals(50, m.sent());
        assertEquals(45, m.outcome("ok"));
        assertEquals(5, m.outcome(LoadRunner.TIMEOUT));
        assertTrue(seconds < 5 * 0.15 + 1, "each timeout costs about the timeout, ran " + seconds + " s");
        Histogram latency = m.latencyMicros();
        assertTrue(latency.getMaxValue() >= 100_000, "a timed-out request's latency is the time until it was given up");
        assertEquals(0, m.outcome("late"), "a late answer is not counted a second time");
        assertEquals(50, sum(m.outcomes()));
    }

    @Test
    void onlyTheDispatcherInsideAPhaseIsMarkedAsDispatching() throws Exception {
        // a client may skip its own per-call timer for what the dispatcher starts (the runner bounds it), never for a
        // call made before or after the run, nor from a completion's thread
        AtomicInteger inStart = new AtomicInteger();
        AtomicInteger elsewhere = new AtomicInteger();
        Operation op = index -> {
            if (LoadRunner.dispatching()) {
                inStart.incrementAndGet();
            }
            return CompletableFuture.supplyAsync(() -> {
                if (LoadRunner.dispatching()) {
                    elsewhere.incrementAndGet();
                }
                return "ok";
            });
        };
        assertFalse(LoadRunner.dispatching());
        Measurement m = new LoadRunner(Duration.ofSeconds(5)).run(op, LoadPlan.ofRequests(200, 8).withWarmup(Warmup.ofRequests(20)));
        assertEquals(200, m.outcome("ok"));
        assertEquals(220, inStart.get(), "every start, warm-up included, runs on a dispatching thread");
        assertEquals(0, elsewhere.get(), "no other thread is marked");
        assertFalse(LoadRunner.dispatching(), "the mark is gone once the run ended");
        Thread other = new Thread(() -> new LoadRunner(Duration.ofSeconds(5)).run(i -> Operation.local("x"), LoadPlan.ofRequests(10, 1)));
        other.start();
        other.join();
        assertFalse(LoadRunner.dispatching(), "another thread's run does not mark this one");
    }

    @Test
    void aDurationRunEndsWithinItsDurationPlusTheTimeoutWhateverTheOperationDoes() {
        Operation silent = index -> new CompletableFuture<>();
        long start = System.nanoTime();
        Measurement m = new LoadRunner(Duration.ofMillis(200)).run(silent, LoadPlan.ofDuration(Duration.ofMillis(300), 4));
        double seconds = (System.nanoTime() - start) / 1e9;
        assertTrue(seconds < 0.3 + 0.2 + 0.05 + 0.5, "ended " + seconds + " s after it began");
        assertEquals(m.sent(), m.outcome(LoadRunner.TIMEOUT));
        assertTrue(m.sent() >= 4, "sent " + m.sent());
    }

    @Test
    void closedLoopLatencyStartsWhenTheRequestIsIssuedNotWhenItWaitedForASlot() {
        // a fixed 2 ms service time with one slot: each request waits ~2 ms for the slot, which is not its latency
        Operation op = index -> later(2_000, "ok", null);
        Measurement m = new LoadRunner(Duration.ofSeconds(5)).run(op, LoadPlan.ofRequests(300, 1));
        long p50 = m.latencyMicros().getValueAtPercentile(50);
        assertTrue(p50 >= 1_900 && p50 < 3_500, "p50 is the service time, about 2 ms, was " + p50 + " us");
        double inFlight = m.throughputPerSecond() * m.latencyMicros().getMean() / 1e6;
        assertTrue(inFlight > 0.8 && inFlight <= 1.05, "Little's law: one slot means about one in flight, was " + inFlight);
        assertNull(m.dispatchLagMicros(), "no schedule in closed loop, so no dispatch lag");
    }

    @Test
    void anOpenLoopRunMeasuresFromTheIntendedStartAndReportsTheClientsOwnLag() {
        // the "server" stalls every request for 20 ms while the plan asks for one every 1 ms with room for only one in
        // flight: a closed loop would report ~20 ms; the open loop shows the queueing behind the stall
        Operation op = index -> later(20_000, "ok", null);
        Measurement m = new LoadRunner(Duration.ofSeconds(5)).run(op, new LoadPlan(20, null, 1, 1000, Warmup.NONE));
        assertEquals(20, m.outcome("ok"));
        long p99 = m.latencyMicros().getValueAtPercentile(99);
        assertTrue(p99 > 200_000, "latency includes waiting behind the stalled requests, p99 = " + p99 + " us");
        assertTrue(m.throughputPerSecond() < 100, "the stall bounds throughput, was " + m.throughputPerSecond());
        Histogram lag = m.dispatchLagMicros();
        assertEquals(20, lag.getTotalCount());
        assertTrue(lag.getMaxValue() > 200_000, "the client sent late because it had no slot: " + lag.getMaxValue());
    }

    @Test
    void aClientStallShowsAsDispatchLagNotAsServerLatency() {
        // an instant server, but the client stalls 30 ms once: the requests due meanwhile leave late
        Operation op = index -> {
            if (index == 100) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(30));
            }
            return CompletableFuture.completedFuture("ok");
        };
        Measurement m = new LoadRunner(Duration.ofSeconds(5)).run(op, new LoadPlan(400, null, 64, 2000, Warmup.NONE));
        assertTrue(m.dispatchLagMicros().getMaxValue() >= 25_000, "lag " + m.dispatchLagMicros().getMaxValue());
        assertTrue(m.latencyMicros().getMaxValue() >= 25_000, "and latency from the intended start includes it");
    }

    @Test
    void aCompletionRacingItsTimeoutIsCountedOnceAndTheTotalsAlwaysAddUp() {
        // completions land right around the expiry (100 ms + 50 ms margin): each request must end exactly once
        RunnerSettings settings = RunnerSettings.of(Duration.ofMillis(100));
        long expiryMicros = settings.expiryNanos() / 1000;
        Operation op = index -> later(expiryMicros - 200 + (index % 400), "ok", null);
        for (int round = 0; round < 3; round++) {
            Measurement m = new LoadRunner(settings).run(op, LoadPlan.ofRequests(2_000, 500));
            assertEquals(2_000, m.sent(), m.outcomes() + " " + m.stopReason());
            assertEquals(2_000, m.outcome("ok") + m.outcome(LoadRunner.TIMEOUT), m.outcomes() + " " + m.errors() + " " + m.stopReason());
            assertEquals(2_000, m.latencyMicros().getTotalCount());
        }
    }

    @Test
    void anOperationThatThrowsIsCountedAndTheRunGoesOn() {
        Operation op = index -> {
            if (index == 3) {
                throw new IllegalArgumentException("rejected");
            }
            return CompletableFuture.completedFuture("ok");
        };
        Measurement m = new LoadRunner(Duration.ofSeconds(1)).run(op, LoadPlan.ofRequests(10, 2));
        assertEquals(9, m.outcome("ok"));
        assertEquals(1, m.outcome(LoadRunner.ERROR));
        assertEquals(1, m.errors().get("IllegalArgumentException: rejected"));
    }

    @Test
    void localOutcomesAreCountedWithoutALatency() {
        Operation op = index -> index % 4 == 0 ? later(10, "sent", null) : Operation.local("skipped");
        Measurement m = new LoadRunner(Duration.ofSeconds(1)).run(op, LoadPlan.ofRequests(1_000, 8));
        assertEquals(250, m.outcome("sent"));
        assertEquals(750, m.outcome("skipped"));
        assertEquals(250, m.latencyMicros().getTotalCount());
    }

    @Test
    void theWarmupIsNotCountedAndATimedWarmupLastsItsTime() {
        AtomicInteger warm = new AtomicInteger();
        Operation warmup = index -> {
            warm.incrementAndGet();
            return CompletableFuture.completedFuture("warm");
        };
        Operation measured = index -> CompletableFuture.completedFuture("ok");
        LoadRunner runner = new LoadRunner(Duration.ofSeconds(1));
        Measurement m = runner.run(warmup, measured, LoadPlan.ofRequests(100, 4).withWarmup(Warmup.ofRequests(50)));
        assertEquals(50, warm.get());
        assertEquals(100, m.sent());
        assertEquals(0, m.outcome("warm"));

        long start = System.nanoTime();
        runner.run(warmup, measured, LoadPlan.ofRequests(10, 4).withWarmup(Warmup.ofDuration(Duration.ofMillis(200))));
        assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(200));
    }

    @Test
    void aStopSignalEndsTheRunEarlyMarkedIncomplete() {
        StopSignal stop = new StopSignal();
        Operation op = index -> {
            if (index == 1_000) {
                stop.stop("interrupted by SIGINT");
            }
            return later(20, "ok", null);
        };
        Measurement m = new LoadRunner(RunnerSettings.of(Duration.ofSeconds(1)).withStop(stop))
                .run(op, LoadPlan.ofDuration(Duration.ofSeconds(30), 8));
        assertFalse(m.complete());
        assertEquals("interrupted by SIGINT", m.stopReason());
        assertTrue(m.sent() >= 1_000 && m.sent() < 1_300, "stopped soon after the signal: " + m.sent());
        assertEquals(m.sent(), m.outcome("ok"));
        assertTrue(m.elapsedSeconds() < 5);
    }

    @Test
    void theTimeSeriesHasAPointPerIntervalAndAddsUpToTheRun() {
        Operation op = index -> later(100, index % 100 == 0 ? null : "ok", index % 100 == 0 ? new IllegalStateException("x") : null);
        AtomicInteger gauge = new AtomicInteger();
        RunnerSettings settings = RunnerSettings.of(Duration.ofSeconds(1)).withInterval(Duration.ofMillis(100))
                .withGauges(List.of(new Gauge("calls", gauge::incrementAndGet)));
        Measurement m = new LoadRunner(settings).run(op, LoadPlan.ofDuration(Duration.ofMillis(1_000), 16));
        List<SeriesPoint> series = m.series();
        assertTrue(series.size() >= 9 && series.size() <= 12, series.size() + " points");
        assertEquals(m.sent(), series.stream().mapToLong(SeriesPoint::completed).sum());
        assertEquals(m.outcome(LoadRunner.ERROR), series.stream().mapToLong(p -> p.outcomes().getOrDefault(LoadRunner.ERROR, 0L)).sum());
        assertEquals(m.outcome(LoadRunner.ERROR), series.stream().mapToLong(p -> p.errors().getOrDefault("IllegalStateException: x", 0L)).sum());
        assertTrue(series.get(2).latencyUs().p99() >= series.get(2).latencyUs().p50());
        assertTrue(series.get(series.size() - 1).tS() >= 0.95, "the last point closes the run");
        assertTrue(series.stream().allMatch(p -> p.gauges().containsKey("calls")));
    }

    @Test
    void theIntervalLogHoldsOneHistogramPerIntervalAndEveryMeasuredRequest(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("run.hlog");
        RunnerSettings settings = RunnerSettings.of(Duration.ofSeconds(1)).withInterval(Duration.ofMillis(100)).withHlog(log);
        Measurement m = new LoadRunner(settings).run(index -> later(500, "ok", null),
                new LoadPlan(0, Duration.ofMillis(1_000), 16, 0, new Warmup(0, Duration.ofMillis(300))));
        long logged = 0;
        int intervals = 0;
        try (HistogramLogReader reader = new HistogramLogReader(log.toFile())) {
            for (EncodableHistogram h; (h = reader.nextIntervalHistogram()) != null; ) {
                logged += ((Histogram) h).getTotalCount();
                intervals++;
            }
        }
        assertTrue(m.sent() > 1_000, "requests ran: " + m.sent());
        assertEquals(m.latencyMicros().getTotalCount(), logged, "the log holds the measured requests, not the warm-up's");
        assertEquals(m.series().size(), intervals, "one histogram per point of the series");
    }

    @Test
    void aRunWhoseRequestsAllFailEndsWithinTheTimeoutAndAccountsForEverything() {
        AtomicInteger calls = new AtomicInteger();
        Operation op = index -> calls.incrementAndGet() <= 1000 ? later(50, "ok", null)
                : later(50, null, new IllegalStateException("server gone"));
        long start = System.nanoTime();
        Measurement m = new LoadRunner(Duration.ofMillis(200)).run(op, LoadPlan.ofDuration(Duration.ofSeconds(30), 8));
        double seconds = (System.nanoTime() - start) / 1e9;
        assertTrue(seconds < 8, "aborted 5 s after requests started failing (not after 30 s), ran " + seconds + " s");
        assertFalse(m.complete());
        assertTrue(m.stopReason().contains("no request succeeded"), m.stopReason());
        assertEquals(1000, m.outcome("ok"));
        assertEquals(m.sent(), m.outcome("ok") + m.outcome(LoadRunner.ERROR));
        assertTrue(m.outcome(LoadRunner.ERROR) > 0);
    }

    @Test
    void plansRejectNonsense() {
        assertThrows(IllegalArgumentException.class, () -> LoadPlan.ofRequests(0, 1));
        assertThrows(IllegalArgumentException.class, () -> LoadPlan.ofRequests(-5, 1));
        assertThrows(IllegalArgumentException.class, () -> LoadPlan.ofRequests(5, 0));
        assertThrows(IllegalArgumentException.class, () -> LoadPlan.ofDuration(Duration.ZERO, 1));
        assertThrows(IllegalArgumentException.class, () -> new LoadPlan(5, null, 1, -1, Warmup.NONE));
        assertThrows(IllegalArgumentException.class, () -> new Warmup(5, Duration.ofSeconds(1)));
        assertThrows(IllegalStateException.class, () -> Measurement.of(3, Map.of("a", 2L), Map.of(), new Histogram(3), 1));
    }

    @Test
    void completionsFromManyThreadsAreAllCounted() {
        ConcurrentLinkedQueue<Thread> seen = new ConcurrentLinkedQueue<>();
        Operation op = index -> CompletableFuture.supplyAsync(() -> {
            seen.add(Thread.currentThread());
            return "ok";
        });
        Measurement m = new LoadRunner(Duration.ofSeconds(5)).run(op, LoadPlan.ofRequests(50_000, 64));
        assertEquals(50_000, m.outcome("ok"));
        assertFalse(seen.isEmpty());
    }
}
