package dev.backendpatterns.common.messaging;

import dev.backendpatterns.common.load.Gauge;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Accounts for every message of a messaging run, as OpenMessaging Benchmark does: each message is stamped when it is
 * published ({@link #stamp}), acknowledged or failed by the broker ({@link #acknowledged}, {@link #failed}), and
 * delivered to zero or more subscribers ({@link #delivered}), from push listeners and pull loops alike, on any thread.
 *
 * <p>It reports what was published, acknowledged and delivered; what was <b>lost</b> (deliveries expected of
 * acknowledged messages, by their fan-out, that never came by the end of the drain); <b>duplicates</b> (a subscriber
 * given the same message again); <b>out of order</b> (a subscriber given a message of a producer on a stream after a
 * later one of the same producer on that stream, when order is tracked); malformed messages; and two latencies in
 * microseconds: <b>publish</b> (publish to the broker's acknowledgement) and <b>end to end</b> (publish to delivery,
 * measured with the publish time the message carries).
 */
public final class DeliveryTracker {
    private final int subscribers;
    private final boolean trackOrder;
    private final AtomicLong nextIndex = new AtomicLong();
    private final MessageBits acknowledged = new MessageBits();
    private final MessageBits[] seen;
    /**
     * Per subscriber, the acknowledged messages it received, each counted once in {@link #deliveredOfAcknowledged}
     * whichever comes first, the delivery or the acknowledgement: both sides set their own bit, then look at the
     * other's, so at least one of them sees both, and this set makes only one of them count it.
     */
    private final MessageBits[] credited;
    private final LongAdder deliveredOfAcknowledged = new LongAdder();
    private final Map<Long, Long>[] lastSequence;
    private final LongAdder published = new LongAdder();
    private final LongAdder acknowledgedCount = new LongAdder();
    private final LongAdder failedCount = new LongAdder();
    private final LongAdder expectedDeliveries = new LongAdder();
    private final LongAdder deliveries = new LongAdder();
    private final LongAdder uniqueDeliveries = new LongAdder();
    private final LongAdder duplicates = new LongAdder();
    private final LongAdder outOfOrder = new LongAdder();
    private final LongAdder malformed = new LongAdder();
    private final ConcurrentHashMap<String, LongAdder> publishErrors = new ConcurrentHashMap<>();
    private final Recorder publishLatency = new Recorder(3);
    private final Recorder endToEndLatency = new Recorder(3);
    private final Histogram publishLatencyTotal = new Histogram(3);
    private final Histogram endToEndLatencyTotal = new Histogram(3);

    /**
     * @param subscribers how many subscribers deliver, numbered from 0
     * @param trackOrder whether to check, per subscriber, stream and producer, that sequences arrive in order
     */
    @SuppressWarnings("unchecked")
    public DeliveryTracker(int subscribers, boolean trackOrder) {
        if (subscribers < 1) {
            throw new IllegalArgumentException("a tracker needs at least one subscriber, was " + subscribers);
        }
        this.subscribers = subscribers;
        this.trackOrder = trackOrder;
        this.seen = new MessageBits[subscribers];
        this.credited = new MessageBits[subscribers];
        this.lastSequence = trackOrder ? new Map[subscribers] : null;
        for (int i = 0; i < subscribers; i++) {
            seen[i] = new MessageBits();
            credited[i] = new MessageBits();
            if (trackOrder) {
                lastSequence[i] = new HashMap<>();
            }
        }
    }

    /**
     * A new message of {@code producer} (its {@code sequence}-th), published now and expected by {@code fanout}
     * subscribers; counted as published. Any thread.
     */
    public MessageStamp stamp(int producer, long sequence, int fanout) {
        if (fanout > subscribers) {
            throw new IllegalArgumentException("fan-out " + fanout + " exceeds the " + subscribers + " subscribers");
        }
        published.increment();
        return new MessageStamp(nextIndex.getAndIncrement(), producer, sequence, System.nanoTime(), fanout);
    }

    /** The broker acknowledged the message: it now must be delivered {@code fanout} times. */
    public void acknowledged(MessageStamp stamp) {
        long now = System.nanoTime();
        if (acknowledged.add(stamp.index())) {
            for (int s = 0; s < subscribers; s++) {
                if (seen[s].contains(stamp.index()) && credited[s].add(stamp.index())) {
                    deliveredOfAcknowledged.increment();
                }
            }
            acknowledgedCount.increment();
            expectedDeliveries.add(stamp.fanout());
            publishLatency.recordValue(Math.max(0, (now - stamp.publishNanos()) / 1000));
        }
    }

    /**
     * {@code publish}, the broker's answer for {@code stamp}'s message, recorded as {@link #acknowledged} or
     * {@link #failed} in one stage (a publisher's hot path: no second stage only to map the answer), which completes with
     * {@code outcome} or fails as the publish did.
     */
    public <T> CompletionStage<T> track(MessageStamp stamp, CompletionStage<?> publish, T outcome) {
        return publish.handle((answer, error) -> {
            if (error != null) {
                failed(stamp, error);
                throw error instanceof CompletionException c ? c : new CompletionException(error);
            }
            acknowledged(stamp);
            return outcome;
        });
    }

    /** Whether the broker acknowledged the message of stamp index {@code index}. */
    public boolean isAcknowledged(long index) {
        return acknowledged.contains(index);
    }

    /** The publish failed: the message is not expected anywhere. */
    public void failed(MessageStamp stamp, Throwable error) {
        failedCount.increment();
        publishErrors.computeIfAbsent(describe(error), k -> new LongAdder()).increment();
    }

    /** {@code subscriber} received the message on {@code stream} (a channel, topic partition or stream key) now. */
    public void delivered(int subscriber, int stream, MessageStamp stamp) {
        delivered(subscriber, stream, stamp, System.nanoTime());
    }

    /** As {@link #delivered(int, int, MessageStamp)}, received at {@code receiveNanos}. */
    public void delivered(int subscriber, int stream, MessageStamp stamp, long receiveNanos) {
        if (subscriber < 0 || subscriber >= subscribers) {
            throw new IllegalArgumentException("subscriber " + subscriber + " out of range 0.." + (subscribers - 1));
        }
        deliveries.increment();
        if (!seen[subscriber].add(stamp.index())) {
            duplicates.increment();
            return;
        }
        uniqueDeliveries.increment();
        if (acknowledged.contains(stamp.index()) && credited[subscriber].add(stamp.index())) {
            deliveredOfAcknowledged.increment();
        }
        endToEndLatency.recordValue(Math.max(0, (receiveNanos - stamp.publishNanos()) / 1000));
        if (trackOrder) {
            long key = ((long) stream << 32) | (stamp.producer() & 0xffffffffL);
            Map<Long, Long> last = lastSequence[subscriber];
            synchronized (last) {
                Long previous = last.get(key);
                if (previous != null && stamp.sequence() < previous) {
                    outOfOrder.increment();
                } else {
                    last.put(key, stamp.sequence());
                }
            }
        }
    }

    /** A message that could not be read; it is skipped. */
    public void malformed() {
        malformed.increment();
    }

    /**
     * Deliveries of acknowledged messages still expected. Counted message by message: a message whose publish failed or
     * timed out may be delivered all the same, and counting it would hide an acknowledged one still in transit (the
     * drain would end early and call it lost).
     */
    public long inTransit() {
        return Math.max(0, expectedDeliveries.sum() - deliveredOfAcknowledged.sum());
    }

    /** Publishes the broker has neither acknowledged nor failed yet. */
    public long unconfirmed() {
        return published.sum() - acknowledgedCount.sum() - failedCount.sum();
    }

    /**
     * Waits until every publish was answered (acknowledged or failed) and every acknowledged message was delivered as
     * often as expected, or {@code drain} has passed; returns whether everything arrived. Call once publishing has
     * ended.
     */
    public boolean awaitDeliveries(Duration drain) {
        long deadline = System.nanoTime() + drain.toNanos();
        while (unconfirmed() > 0 || inTransit() > 0) {
            if (System.nanoTime() >= deadline) {
                return false;
            }
            try {
                TimeUnit.MILLISECONDS.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    /** Gauges for the run's time series: deliveries so far, and deliveries still in transit. */
    public List<Gauge> gauges() {
        return List.of(new Gauge("delivered", uniqueDeliveries::sum), new Gauge("in_transit", this::inTransit));
    }

    /** The account as it stands; exact once publishing and the drain have ended. */
    public synchronized DeliveryReport report() {
        publishLatencyTotal.add(publishLatency.getIntervalHistogram());
        endToEndLatencyTotal.add(endToEndLatency.getIntervalHistogram());
        long expected = expectedDeliveries.sum();
        long deliveredOfAcknowledged = 0;
        for (MessageBits bits : seen) {
            deliveredOfAcknowledged += bits.countCommon(acknowledged);
        }
        Map<String, Long> errors = new TreeMap<>();
        publishErrors.forEach((k, v) -> errors.put(k, v.sum()));
        long acked = acknowledgedCount.sum();
        long failed = failedCount.sum();
        long pub = Math.max(published.sum(), acked + failed);
        return new DeliveryReport(pub, acked, failed, pub - acked - failed, errors, expected, uniqueDeliveries.sum(),
                uniqueDeliveries.sum() - deliveredOfAcknowledged, expected - deliveredOfAcknowledged, duplicates.sum(),
                trackOrder ? outOfOrder.sum() : null, malformed.sum(), publishLatencyTotal.copy(),
                endToEndLatencyTotal.copy());
    }

    private static String describe(Throwable error) {
        Throwable e = error;
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        if (e == null) {
            return "unknown";
        }
        String message = e.getMessage();
        if (message == null) {
            return e.getClass().getSimpleName();
        }
        message = message.lines().findFirst().orElse("");
        return e.getClass().getSimpleName() + ": " + (message.length() > 120 ? message.substring(0, 117) + "..." : message);
    }
}
