package dev.backendpatterns.streams.leaky;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backendpatterns.common.load.LoadPlan;
import dev.backendpatterns.common.load.LoadRunner;
import dev.backendpatterns.common.load.Measurement;
import dev.backendpatterns.common.load.Warmup;
import dev.backendpatterns.common.messaging.DeliveryTracker;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import java.util.function.LongConsumer;
import org.junit.jupiter.api.Test;

/** The drain against an in-memory queue whose takes answer late, at random: the rate holds, and nothing is lost. */
class DrainTest {
    private static final long INTERVAL_NANOS = Duration.ofMillis(5).toNanos();

    @Test
    void theWindowCheckSeesABurst() {
        long window = 10 * INTERVAL_NANOS;
        long[] spread = new long[30];
        for (int i = 0; i < spread.length; i++) {
            spread[i] = i * INTERVAL_NANOS;
        }
        assertEquals(10, Drain.mostInWindow(spread, window), "one per tick: ten ticks in a window of ten");
        long[] bunched = spread.clone();
        for (int i = 10; i < 20; i++) {
            bunched[i] = bunched[9] + i;
        }
        Arrays.sort(bunched);
        assertEquals(20, Drain.mostInWindow(bunched, window), "ten more arriving together are seen");
        assertEquals(0, Drain.mostInWindow(new long[0], window));
    }

    @Test
    void lateAnswersNeverExceedTheRateAndEveryEntryIsProcessed() {
        int consumers = 4;
        int entries = 600;
        try (SlowQueue queue = new SlowQueue(3)) {
            DeliveryTracker tracker = new DeliveryTracker(1, false);
            LoadRunner runner = new LoadRunner(Duration.ofSeconds(5));
            Publish publish = new Publish(queue, tracker);
            assertEquals(entries, runner.run(publish, LoadPlan.ofRequests(entries, 64)).sent());
            Drain drain = new Drain(queue, tracker, entries, consumers, INTERVAL_NANOS, 0.2, -1, true);
            LoadPlan plan = new LoadPlan(0, Duration.ofSeconds(60), 2 * consumers, 0, Warmup.NONE).withSchedule(drain);
            Measurement m = runner.run(drain, drain, plan);

            assertEquals(entries, tracker.report().delivered(), "every entry processed");
            assertEquals(0, tracker.report().duplicates());
            assertTrue(drain.nacked() > 0 && drain.redeliveries() == drain.nacked(), "each nack came back once per nack");
            assertTrue(queue.takes.get() > 0 && m.outcomes().getOrDefault(Drain.BUSY, 0L) > 0,
                    "takes answered late, so some ticks found their consumer busy: " + m.outcomes());
            Map<String, Object> rate = drain.rate(m.elapsedSeconds(), entries);
            assertTrue((int) rate.get("most_taken_in_window") <= drain.allowedInWindow(), "the rate held: " + rate);
            assertFalse(drain.rateExceeded());
            assertTrue(((Number) rate.get("first_pass_s")).doubleValue() > 0, "the first pass is timed: " + rate);
        }
    }

    @Test
    void ticksSentLateStillDrainAtTheConfiguredRateAndAStallIsNotCaughtUpInABurst() throws Exception {
        int ticks = 200;
        try (SlowQueue queue = new SlowQueue(0)) {
            DeliveryTracker tracker = new DeliveryTracker(1, false);
            LoadRunner runner = new LoadRunner(Duration.ofSeconds(5));
            assertEquals(ticks, runner.run(new Publish(queue, tracker), LoadPlan.ofRequests(ticks, 64)).sent());
            Drain drain = new Drain(queue, tracker, ticks, 1, INTERVAL_NANOS, 0, -1, false);
            long start = System.nanoTime();
            drain.started(start);
            for (int i = 0; i < ticks; i++) {
                // every tick sent 40% of an interval late, as a busy client sends them; tick 100 after a stall of 3 intervals
                long late = i == 100 ? 3 * INTERVAL_NANOS : INTERVAL_NANOS * 2 / 5;
                long sendAt = start + drain.dueNanos(i) + late;
                while (System.nanoTime() < sendAt) {
                    LockSupport.parkNanos(Math.max(1, (sendAt - System.nanoTime()) / 2));
                }
                assertEquals(Drain.PROCESSED, drain.start(i).toCompletableFuture().get(5, TimeUnit.SECONDS));
            }
            double elapsed = (System.nanoTime() - start) / 1e9;
            Map<String, Object> rate = drain.rate(elapsed, ticks);
            double configured = ((Number) rate.get("configured_per_s")).doubleValue();
            assertTrue(((Number) rate.get("taken_per_s")).doubleValue() >= 0.95 * configured,
                    "lateness below an interval is made up, not lost (pushing each tick back would give 0.71x): " + rate);
            assertTrue(elapsed >= (ticks - 2) * INTERVAL_NANOS / 1e9, "never faster than the rate allows: " + elapsed + " s");
            assertTrue((int) rate.get("most_taken_in_window") <= drain.allowedInWindow(), "the stall was not caught up in a burst: " + rate);
        }
    }

    @Test
    void aCrashAskedForIsReportedWhetherOrNotItCame() {
        for (boolean starved : new boolean[] {true, false}) {
            int entries = 100;
            try (SlowQueue queue = new SlowQueue(0, starved)) {
                DeliveryTracker tracker = new DeliveryTracker(1, false);
                LoadRunner runner = new LoadRunner(Duration.ofSeconds(5));
                assertEquals(entries, runner.run(new Publish(queue, tracker), LoadPlan.ofRequests(entries, 64)).sent());
                Drain drain = new Drain(queue, tracker, entries, 2, INTERVAL_NANOS, 0, 0, true);
                runner.run(drain, drain, new LoadPlan(0, Duration.ofSeconds(30), 4, 0, Warmup.NONE).withSchedule(drain));

                assertEquals(entries, tracker.report().delivered(), "every entry processed");
                Map<String, Object> crash = drain.crash();
                assertEquals(!starved, crash.get("happened"), "consumer 0 " + (starved ? "never took an entry" : "took one") + ": " + crash);
                if (starved) {
                    assertTrue(String.valueOf(crash.get("why_not")).contains("took no entry"), "and why: " + crash);
                }
            }
        }
    }

    /** Entries in a deque; a take answers after 0 to {@code maxDelayIntervals} intervals; a nacked entry goes to the back, as a redelivery. */
    private static final class SlowQueue implements DrainQueue {
        private final ConcurrentLinkedDeque<byte[]> entries = new ConcurrentLinkedDeque<>();
        private final ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor();
        private final AtomicLong ids = new AtomicLong();
        final AtomicLong takes = new AtomicLong();
        private final int maxDelayIntervals;
        private final boolean starveConsumerZero;

        SlowQueue(int maxDelayIntervals) {
            this(maxDelayIntervals, false);
        }

        /** {@code starveConsumerZero}: consumer 0 never gets an entry, as one still joining its group. */
        SlowQueue(int maxDelayIntervals, boolean starveConsumerZero) {
            this.maxDelayIntervals = maxDelayIntervals;
            this.starveConsumerZero = starveConsumerZero;
        }

        @Override
        public CompletionStage<Void> publish(long sequence, byte[] payload) {
            entries.add(payload);
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void flush() {
        }

        @Override
        public CompletionStage<Taken> take(int consumer, boolean claim, Function<Delivery, Verdict> verdict) {
            CompletableFuture<Taken> result = new CompletableFuture<>();
            long delay = maxDelayIntervals == 0 ? 0 : ThreadLocalRandom.current().nextLong(maxDelayIntervals * INTERVAL_NANOS);
            clock.schedule(() -> {
                byte[] payload = starveConsumerZero && consumer == 0 ? null : entries.poll();
                if (payload == null) {
                    result.complete(null);
                    return;
                }
                takes.incrementAndGet();
                Delivery d = new Delivery(consumer, 0, Long.toString(ids.incrementAndGet()), payload, false);
                Verdict v = verdict.apply(d);
                if (v == Verdict.NACK) {
                    entries.add(payload);
                }
                result.complete(new Taken(d, v));
            }, delay, TimeUnit.NANOSECONDS);
            return result;
        }

        @Override
        public boolean claims() {
            return false;
        }

        @Override
        public CompletionStage<Held> stop(int consumer) {
            return CompletableFuture.completedFuture(new Held(Set.of(), Set.of(), null));
        }

        @Override
        public void remaining(LongConsumer sequences) {
            entries.forEach(p -> sequences.accept(Drain.sequenceOf(p)));
        }

        @Override
        public String redelivery() {
            return "back of the deque";
        }

        @Override
        public void delete() {
        }

        @Override
        public void close() {
            clock.shutdownNow();
        }
    }
}
