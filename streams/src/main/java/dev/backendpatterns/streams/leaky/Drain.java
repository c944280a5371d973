package dev.backendpatterns.streams.leaky;

import dev.backendpatterns.common.load.Gauge;
import dev.backendpatterns.common.load.Operation;
import dev.backendpatterns.common.load.Schedule;
import dev.backendpatterns.common.messaging.DeliveryTracker;
import dev.backendpatterns.common.messaging.MalformedMessageException;
import dev.backendpatterns.common.messaging.MessageBits;
import dev.backendpatterns.common.messaging.MessageStamp;
import dev.backendpatterns.streams.leaky.DrainQueue.Delivery;
import dev.backendpatterns.streams.leaky.DrainQueue.Held;
import dev.backendpatterns.streams.leaky.DrainQueue.Taken;
import dev.backendpatterns.streams.leaky.DrainQueue.Verdict;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The consumers' side of the leaky bucket, as the load runner's schedule and operation: each consumer ticks once per
 * interval (the consumers staggered across it) and takes at most one entry per tick, so the group drains at most
 * {@code consumers / interval}. A tick that comes while the consumer's previous one is still running is {@value #BUSY}
 * (a consumer is sequential). The ticks keep to their schedule (a generic cell rate algorithm with a tolerance of one
 * entry): a tick sent late is made up by the next one coming at once, but never more than that, so a client slowed for
 * a moment still drains at the configured rate while no burst exceeds one entry per consumer. The rate check counts when the broker handed the entries over (a take's completion), not
 * when the ticks were due, so it sees what the consumers really got. With a crash time, consumer 0's first tick after it, once consumer 0 has taken an entry
 * at all (a Kafka consumer may still be joining its group at the crash time), reads one entry and stops for good,
 * holding what it had; the other consumers' retaking of it is timed.
 */
final class Drain implements Schedule, Operation {
    static final String PROCESSED = "processed";
    static final String NACKED = "nacked";
    static final String IDLE = "idle";
    static final String BUSY = "busy";
    static final String MALFORMED = "malformed";
    static final String CRASHED = "crashed";
    /** The window the rate check counts takes in, in ticks of one consumer. */
    static final int WINDOW_TICKS = 10;

    private final DrainQueue queue;
    private final DeliveryTracker tracker;
    private final long published;
    private final int consumers;
    private final long intervalNanos;
    private final double nackRatio;
    private final long crashAtNanos;
    private final boolean untilDrained;

    // the dispatcher's
    private final long[] nextDue;
    private final PriorityQueue<Integer> ready;
    private long startNanos;
    private int current;
    private boolean crashNow;
    private boolean crashed;

    // any thread's
    private final AtomicBoolean[] busy;
    private final MessageBits delivered = new MessageBits();
    private final MessageBits processed = new MessageBits();
    private final LongAdder deliveries = new LongAdder();
    private final LongAdder redeliveries = new LongAdder();
    private final LongAdder nacked = new LongAdder();
    private final AtomicLong unacknowledged = new AtomicLong();
    private final TakeTimes takes = new TakeTimes();
    private final AtomicLong lastFirstDeliveryNanos = new AtomicLong();
    private volatile Held held;
    private volatile boolean firstTookAny;
    private volatile long crashNanos;
    private final Set<String> heldLeft = ConcurrentHashMap.newKeySet();
    private final AtomicLong firstRetakenNanos = new AtomicLong();
    private final AtomicLong allRetakenNanos = new AtomicLong();

    /**
     * @param published entries published (sequences 0 .. published-1); anything else taken is malformed
     * @param crashAtNanos when consumer 0 crashes, from the drain's start; negative for never
     * @param untilDrained end the drain once every acknowledged entry was processed
     */
    Drain(DrainQueue queue, DeliveryTracker tracker, long published, int consumers, long intervalNanos, double nackRatio,
            long crashAtNanos, boolean untilDrained) {
        if (consumers < 1 || intervalNanos <= 0 || nackRatio < 0 || nackRatio >= 1) {
            throw new IllegalArgumentException("a drain needs consumers, a positive interval and a nack ratio in [0, 1)");
        }
        this.queue = queue;
        this.tracker = tracker;
        this.published = published;
        this.consumers = consumers;
        this.intervalNanos = intervalNanos;
        this.nackRatio = nackRatio;
        this.crashAtNanos = crashAtNanos;
        this.untilDrained = untilDrained;
        this.nextDue = new long[consumers];
        this.busy = new AtomicBoolean[consumers];
        this.ready = new PriorityQueue<>(consumers, Comparator.comparingLong((Integer c) -> nextDue[c]).thenComparing(c -> c));
        for (int c = 0; c < consumers; c++) {
            nextDue[c] = c * intervalNanos / consumers;
            busy[c] = new AtomicBoolean();
            ready.add(c);
        }
    }

    /** The sequence a payload of ours carries (its stamp's index); -1 when it is not one of ours. */
    static long sequenceOf(byte[] payload) {
        MessageStamp stamp = stampOf(payload);
        return stamp == null ? -1 : stamp.index();
    }

    private static MessageStamp stampOf(byte[] payload) {
        if (payload == null || payload.length != MessageStamp.BYTES) {
            return null;
        }
        try {
            MessageStamp stamp = MessageStamp.readFrom(ByteBuffer.wrap(payload));
            return stamp.fanout() == 1 && stamp.sequence() == 0 ? stamp : null;
        } catch (MalformedMessageException e) {
            return null;
        }
    }

    @Override
    public void started(long nanos) {
        this.startNanos = nanos;
    }

    @Override
    public long dueNanos(long index) {
        if (untilDrained && tracker.inTransit() == 0) {
            return END;
        }
        Integer c = ready.poll();
        if (c == null) {
            return END;
        }
        crashNow = !crashed && crashAtNanos >= 0 && c == 0 && nextDue[0] >= crashAtNanos && firstTookAny;
        current = c;
        return nextDue[c];
    }

    @Override
    public CompletionStage<String> start(long index) {
        int c = current;
        long now = System.nanoTime();
        // GCRA with a tolerance of one entry: a late tick moves the next one no later than now, so lateness below an
        // interval is made up instead of lost, and lateness beyond it is lost, never caught up in a burst
        nextDue[c] = Math.max(nextDue[c] + intervalNanos, now - startNanos);
        if (crashNow) {
            crashNow = false;
            crashed = true;
            crashNanos = now;
            return queue.stop(c).thenApply(h -> {
                crashed(h);
                return CRASHED;
            });
        }
        ready.add(c);
        if (!busy[c].compareAndSet(false, true)) {
            return Operation.local(BUSY);
        }
        boolean claim = queue.claims() && unacknowledged.get() > 0;
        return queue.take(c, claim, this::verdict).handle((taken, error) -> {
            busy[c].set(false);
            if (error != null) {
                throw error instanceof CompletionException e ? e : new CompletionException(error);
            }
            return account(taken);
        });
    }

    @Override
    public void flush() {
        queue.flush();
    }

    /** Decides on an entry, on the thread that took it: ours or malformed, then acknowledged or not (at the nack ratio). */
    private Verdict verdict(Delivery d) {
        MessageStamp stamp = stampOf(d.payload());
        if (stamp == null || stamp.index() >= published) {
            return Verdict.SKIP;
        }
        deliveries.increment();
        if (delivered.add(stamp.index())) {
            lastFirstDeliveryNanos.accumulateAndGet(System.nanoTime(), Math::max);
        } else {
            redeliveries.increment();
        }
        Held h = held;
        if (h != null && d.consumer() != 0 && h.covers(d)) {
            retaken(d);
        }
        return ThreadLocalRandom.current().nextDouble() < nackRatio ? Verdict.NACK : Verdict.ACK;
    }

    private String account(Taken taken) {
        if (taken == null) {
            return IDLE;
        }
        takes.add(System.nanoTime());
        Delivery d = taken.delivery();
        if (d.consumer() == 0) {
            firstTookAny = true;
        }
        switch (taken.verdict()) {
            case SKIP:
                if (d.claimed()) {
                    unacknowledged.decrementAndGet();
                }
                tracker.malformed();
                return MALFORMED;
            case NACK:
                nacked.increment();
                if (!d.claimed()) {
                    unacknowledged.incrementAndGet();
                }
                return NACKED;
            default:
                if (d.claimed()) {
                    unacknowledged.decrementAndGet();
                }
                MessageStamp stamp = stampOf(d.payload());
                processed.add(stamp.index());
                tracker.delivered(0, d.shard(), stamp);
                return PROCESSED;
        }
    }

    private void crashed(Held h) {
        Delivery d = h.inProcess();
        if (d != null) {
            takes.add(System.nanoTime());
            MessageStamp stamp = stampOf(d.payload());
            if (stamp != null) {
                deliveries.increment();
                if (delivered.add(stamp.index())) {
                    lastFirstDeliveryNanos.accumulateAndGet(System.nanoTime(), Math::max);
                } else {
                    redeliveries.increment();
                }
            }
            if (!d.claimed()) {
                unacknowledged.incrementAndGet();
            }
        }
        heldLeft.addAll(h.ids());
        held = h;
    }

    private void retaken(Delivery d) {
        long now = System.nanoTime();
        firstRetakenNanos.compareAndSet(0, now);
        if (heldLeft.remove(d.id()) && heldLeft.isEmpty()) {
            allRetakenNanos.compareAndSet(0, now);
        }
    }

    /** Gauges for the time series: the backlog (acknowledged entries not yet processed) and the entries pending. */
    List<Gauge> gauges() {
        List<Gauge> gauges = new ArrayList<>();
        gauges.add(new Gauge("backlog", tracker::inTransit));
        if (queue.claims()) {
            gauges.add(new Gauge("pending", unacknowledged::get));
        }
        gauges.add(new Gauge("redeliveries", redeliveries::sum));
        return gauges;
    }

    MessageBits processed() {
        return processed;
    }

    long deliveries() {
        return deliveries.sum();
    }

    long redeliveries() {
        return redeliveries.sum();
    }

    long nacked() {
        return nacked.sum();
    }

    /**
     * The drain's rate: configured; achieved over the whole drain and over its first pass (until the last entry was
     * first taken: after it only redeliveries remain, which wait out their minimum idle time); and the most entries
     * taken in any window of {@value #WINDOW_TICKS} ticks.
     */
    Map<String, Object> rate(double elapsedSeconds, long processedCount) {
        long[] times = takes.sorted();
        long window = WINDOW_TICKS * intervalNanos;
        long firstPassEnd = lastFirstDeliveryNanos.get();
        int firstPassTakes = 0;
        while (firstPassTakes < times.length && times[firstPassTakes] <= firstPassEnd) {
            firstPassTakes++;
        }
        double firstPassSeconds = (firstPassEnd - startNanos) / 1e9;
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("configured_per_s", round(consumers * 1e9 / intervalNanos));
        r.put("taken_per_s", elapsedSeconds > 0 ? round(times.length / elapsedSeconds) : null);
        r.put("processed_per_s", elapsedSeconds > 0 ? round(processedCount / elapsedSeconds) : null);
        r.put("first_pass_s", firstPassEnd == 0 ? null : round(firstPassSeconds));
        r.put("first_pass_taken_per_s", firstPassEnd == 0 || firstPassSeconds <= 0 ? null : round(firstPassTakes / firstPassSeconds));
        r.put("window_ms", window / 1_000_000.0);
        r.put("most_taken_in_window", mostInWindow(times, window));
        r.put("allowed_in_window", allowedInWindow());
        return r;
    }

    /** The most of {@code sortedTimes} in any half-open window of {@code window} nanoseconds. */
    static int mostInWindow(long[] sortedTimes, long window) {
        int most = 0;
        for (int from = 0, to = 0; to < sortedTimes.length; to++) {
            while (sortedTimes[to] - sortedTimes[from] >= window) {
                from++;
            }
            most = Math.max(most, to - from + 1);
        }
        return most;
    }

    /**
     * What the rate allows in a window: each consumer's ticks in it, plus two entries per consumer. A consumer is
     * sequential (a tick that finds it busy takes nothing), so the takes it completes in a window answer distinct ticks,
     * all but the first of them started inside the window; and a tick is due no earlier than one interval after the
     * one before, or than the moment the one before was sent, which makes up one late tick at most.
     */
    long allowedInWindow() {
        return (long) consumers * (WINDOW_TICKS + 2);
    }

    boolean rateExceeded() {
        return (int) rate(0, 0).get("most_taken_in_window") > allowedInWindow();
    }

    /** The crash's figures ({@code happened} false when it was due but never came), or null when none was asked for. */
    Map<String, Object> crash() {
        if (crashAtNanos < 0) {
            return null;
        }
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("consumer", 0);
        Held h = held;
        c.put("happened", h != null);
        if (h == null) {
            c.put("why_not", firstTookAny ? "the drain ended before the crash time"
                    : "consumer 0 took no entry before the drain ended (it may still have been joining its group)");
            return c;
        }
        c.put("at_s", round((crashNanos - startNanos) / 1e9));
        c.put("held_entries", h.ids().size());
        c.put("held_shards", h.shards().size());
        c.put("in_process", h.inProcess() != null);
        long first = firstRetakenNanos.get();
        long all = allRetakenNanos.get();
        c.put("first_retaken_ms", first == 0 ? null : round((first - crashNanos) / 1e6));
        c.put("all_retaken_ms", h.ids().isEmpty() ? null : all == 0 ? null : round((all - crashNanos) / 1e6));
        c.put("not_retaken", heldLeft.size());
        return c;
    }

    private static double round(double value) {
        return Math.round(value * 10) / 10.0;
    }

    /** When the takes that got an entry completed. */
    private static final class TakeTimes {
        private long[] times = new long[1024];
        private int size;

        synchronized void add(long nanos) {
            if (size == times.length) {
                times = Arrays.copyOf(times, size * 2);
            }
            times[size++] = nanos;
        }

        synchronized long[] sorted() {
            long[] copy = Arrays.copyOf(times, size);
            Arrays.sort(copy);
            return copy;
        }
    }
}
