package dev.backendpatterns.common.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class LoadRunnerTest {
    private static final ScheduledExecutorService SERVER = Executors.newScheduledThreadPool(2);

    @AfterAll
    static void stop() {
        SERVER.shutdownNow();
    }

    /** Completes each request after a short delay, on another thread, like a client's I/O thread. */
    private static CompletionStage<String> later(String outcome, RuntimeException error) {
        CompletableFuture<String> f = new CompletableFuture<>();
        SERVER.schedule(() -> {
            if (error != null) {
                f.completeExceptionally(error);
            } else {
                f.complete(outcome);
            }
        }, 50, TimeUnit.MICROSECONDS);
        return f;
    }

    @Test
    void everyRequestEndsInExactlyOneOutcome() {
        AtomicInteger maxInFlight = new AtomicInteger();
        AtomicInteger inFlight = new AtomicInteger();
        Operation op = index -> {
            maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            CompletionStage<String> result = index % 10 == 0 ? later(null, new IllegalStateException("boom"))
                    : later(index % 2 == 0 ? "even" : "odd", null);
            return result.whenComplete((r, e) -> inFlight.decrementAndGet());
        };
        Measurement m = new LoadRunner(Duration.ofSeconds(5), null).run(op, LoadPlan.ofRequests(20_000, 16));
        assertEquals(20_000, m.sent());
        assertEquals(2_000, m.outcome(LoadRunner.ERROR));
        assertEquals(10_000, m.outcome("odd"));
        assertEquals(8_000, m.outcome("even"));
        assertEquals(2_000, m.errors().get("IllegalStateException: boom"));
        assertEquals(20_000, m.latencyMicros().getTotalCount());
        assertTrue(maxInFlight.get() <= 16, "in flight never exceeds the semaphore, was " + maxInFlight.get());
    }

    @Test
    void requestsThatNeverCompleteAreCountedAsErrorsAfterTheTimeout() {
        Operation op = index -> index % 100 == 0 ? new CompletableFuture<>() : CompletableFuture.completedFuture("ok");
        long start = System.nanoTime();
        Measurement m = new LoadRunner(Duration.ofMillis(300), null).run(op, LoadPlan.ofRequests(1_000, 1_000));
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5), "the run ends after the completion timeout");
        assertEquals(1_000, m.sent());
        assertEquals(990, m.outcome("ok"));
        assertEquals(10, m.outcome(LoadRunner.ERROR));
    }

    @Test
    void anOperationThatThrowsIsCountedAndTheRunGoesOn() {
        Operation op = index -> {
            if (index == 3) {
                throw new IllegalArgumentException("rejected");
            }
            return CompletableFuture.completedFuture("ok");
        };
        Measurement m = new LoadRunner(Duration.ofSeconds(1), null).run(op, LoadPlan.ofRequests(10, 2));
        assertEquals(9, m.outcome("ok"));
        assertEquals(1, m.outcome(LoadRunner.ERROR));
    }

    @Test
    void aDurationPlanStopsOnTime() {
        Operation op = index -> later("ok", null);
        long start = System.nanoTime();
        Measurement m = new LoadRunner(Duration.ofSeconds(1), null)
                .run(op, new LoadPlan(0, Duration.ofMillis(300), 8, 0, 0));
        double seconds = (System.nanoTime() - start) / 1e9;
        assertTrue(seconds >= 0.3 && seconds < 2, "ran " + seconds + " s");
        assertTrue(m.sent() > 0);
        assertEquals(m.sent(), m.outcome("ok"));
    }

    @Test
    void anOpenLoopRunMeasuresFromTheIntendedStart() {
        // the "server" stalls every request for 20 ms while the plan asks for one every 1 ms with room for only one in
        // flight: a closed loop would report ~20 ms, the open loop must show the queueing behind the stall
        Operation op = index -> {
            CompletableFuture<String> f = new CompletableFuture<>();
            SERVER.schedule(() -> f.complete("ok"), 20, TimeUnit.MILLISECONDS);
            return f;
        };
        Measurement m = new LoadRunner(Duration.ofSeconds(5), null).run(op, new LoadPlan(20, null, 1, 1000, 0));
        assertEquals(20, m.outcome("ok"));
        long p99 = m.latencyMicros().getValueAtPercentile(99);
        assertTrue(p99 > 200_000, "latency includes waiting behind the stalled requests, p99 = " + p99 + " us");
        double rate = m.throughputPerSecond();
        assertTrue(rate < 100, "the stall bounds throughput, was " + rate);
    }

    @Test
    void warmupIsNotCounted() {
        AtomicInteger warm = new AtomicInteger();
        Operation warmup = index -> {
            warm.incrementAndGet();
            return CompletableFuture.completedFuture("warm");
        };
        Operation measured = index -> CompletableFuture.completedFuture("ok");
        Measurement m = new LoadRunner(Duration.ofSeconds(1), null)
                .run(warmup, measured, LoadPlan.ofRequests(100, 4).withWarmup(50));
        assertEquals(50, warm.get());
        assertEquals(100, m.sent());
        assertEquals(0, m.outcome("warm"));
    }

    @Test
    void aRunWhoseRequestsAllFailEndsWithinTheTimeoutAndAccountsForEverything() {
        AtomicInteger calls = new AtomicInteger();
        Operation op = index -> calls.incrementAndGet() <= 1000 ? later("ok", null)
                : later(null, new IllegalStateException("server gone"));
        long start = System.nanoTime();
        Measurement m = new LoadRunner(Duration.ofMillis(200), null).run(op, new LoadPlan(0, Duration.ofSeconds(30), 8, 0, 0));
        double seconds = (System.nanoTime() - start) / 1e9;
        assertTrue(seconds < 5, "aborted soon after requests started failing, ran " + seconds + " s");
        assertTrue(m.abortReason() != null && m.abortReason().contains("no request succeeded"), String.valueOf(m.abortReason()));
        assertEquals(1000, m.outcome("ok"));
        assertEquals(m.sent(), m.outcome("ok") + m.outcome(LoadRunner.ERROR));
        assertTrue(m.outcome(LoadRunner.ERROR) > 0);
    }

    @Test
    void plansRejectNonsense() {
        assertThrows(IllegalArgumentException.class, () -> LoadPlan.ofRequests(0, 1));
        assertThrows(IllegalArgumentException.class, () -> LoadPlan.ofRequests(-5, 1));
        assertThrows(IllegalArgumentException.class, () -> LoadPlan.ofRequests(5, 0));
        assertThrows(IllegalArgumentException.class, () -> new LoadPlan(0, Duration.ZERO, 1, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new LoadPlan(5, null, 1, -1, 0));
    }

    @Test
    void measurementsMergeAndRefuseCountsThatDoNotAddUp() {
        Operation op = index -> CompletableFuture.completedFuture(index % 2 == 0 ? "a" : "b");
        LoadRunner runner = new LoadRunner(Duration.ofSeconds(1), null);
        Measurement one = runner.run(op, LoadPlan.ofRequests(10, 2));
        Measurement two = runner.run(op, LoadPlan.ofRequests(4, 2));
        Measurement both = one.merge(two);
        assertEquals(14, both.sent());
        assertEquals(7, both.outcome("a"));
        assertEquals(14, both.latencyMicros().getTotalCount());
        assertThrows(IllegalArgumentException.class, () -> new Measurement(3, java.util.Map.of("a", 2L), java.util.Map.of(),
                new org.HdrHistogram.Histogram(3), 1));
    }
}
