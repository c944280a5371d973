package dev.backendpatterns.common.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A fake broker between a fake publisher and fake subscribers injects loss, duplication and reordering; the counts must be exact. */
class DeliveryTrackerTest {

    @Test
    void aPerfectBrokerLosesNothing() {
        DeliveryTracker tracker = new DeliveryTracker(1, true);
        for (int i = 0; i < 1_000; i++) {
            MessageStamp m = tracker.stamp(0, i, 1);
            tracker.acknowledged(m);
            tracker.delivered(0, 0, m);
        }
        DeliveryReport r = tracker.report();
        assertEquals(1_000, r.published());
        assertEquals(1_000, r.acknowledged());
        assertEquals(1_000, r.expectedDeliveries());
        assertEquals(1_000, r.delivered());
        assertEquals(0, r.lost());
        assertEquals(0, r.duplicates());
        assertEquals(0L, r.outOfOrder());
        assertEquals(1_000, r.publishLatencyMicros().getTotalCount());
        assertEquals(1_000, r.endToEndLatencyMicros().getTotalCount());
    }

    @Test
    void lossDuplicationAndReorderingAreEachCountedExactly() {
        DeliveryTracker tracker = new DeliveryTracker(2, true);
        List<MessageStamp> acked = new ArrayList<>();
        for (int producer = 0; producer < 3; producer++) {
            for (int seq = 0; seq < 100; seq++) {
                MessageStamp m = tracker.stamp(producer, seq, 2);
                tracker.acknowledged(m);
                acked.add(m);
            }
        }
        // subscriber 0 misses every 10th message; subscriber 1 gets everything, every 7th twice, and each producer's
        // sequence 10k + 5 before 10k + 4 (a fake broker that loses, duplicates and reorders)
        int lost = 0;
        for (MessageStamp m : acked) {
            if (m.index() % 10 != 0) {
                tracker.delivered(0, 5, m);
            } else {
                lost++;
            }
        }
        List<MessageStamp> reordered = new ArrayList<>(acked);
        int swapped = 0;
        for (int i = 0; i + 1 < reordered.size(); i++) {
            if (reordered.get(i).sequence() % 10 == 4) {
                reordered.set(i, reordered.set(i + 1, reordered.get(i)));
                swapped++;
                i++;
            }
        }
        int duplicated = 0;
        for (MessageStamp m : reordered) {
            tracker.delivered(1, 5, m);
            if (m.index() % 7 == 0) {
                tracker.delivered(1, 5, m);
                duplicated++;
            }
        }
        DeliveryReport r = tracker.report();
        assertEquals(300, r.acknowledged());
        assertEquals(600, r.expectedDeliveries());
        assertEquals(600 - lost, r.delivered());
        assertEquals(30, lost);
        assertEquals(lost, r.lost());
        assertEquals(43, duplicated);
        assertEquals(duplicated, r.duplicates(), "a second copy is a duplicate, not also out of order");
        assertEquals(30, swapped);
        assertEquals((long) swapped, r.outOfOrder(), "each swapped pair puts one message behind a later one");
    }

    @Test
    void aMessageBehindALaterOneOfTheSameProducerOnTheSameStreamIsOutOfOrder() {
        DeliveryTracker tracker = new DeliveryTracker(1, true);
        MessageStamp[] p0 = new MessageStamp[5];
        MessageStamp[] p1 = new MessageStamp[5];
        for (int i = 0; i < 5; i++) {
            p0[i] = tracker.stamp(0, i, 1);
            p1[i] = tracker.stamp(1, i, 1);
            tracker.acknowledged(p0[i]);
            tracker.acknowledged(p1[i]);
        }
        // producer 0 on stream 0: 0 1 3 2 4 -> 2 is out of order; producer 1 on two streams interleaved: order per stream holds
        for (int i : new int[] {0, 1, 3, 2, 4}) {
            tracker.delivered(0, 0, p0[i]);
        }
        tracker.delivered(0, 1, p1[1]);
        tracker.delivered(0, 2, p1[0]);
        tracker.delivered(0, 1, p1[3]);
        tracker.delivered(0, 2, p1[2]);
        tracker.delivered(0, 2, p1[4]);
        DeliveryReport r = tracker.report();
        assertEquals(1L, r.outOfOrder());
        assertEquals(0, r.lost());
        assertEquals(0, r.duplicates());
    }

    @Test
    void failedPublishesAreNotExpectedAndTheirDeliveriesAreKeptApart() {
        DeliveryTracker tracker = new DeliveryTracker(1, false);
        MessageStamp ok = tracker.stamp(0, 0, 1);
        MessageStamp failed = tracker.stamp(0, 1, 1);
        tracker.stamp(0, 2, 1); // never answered
        tracker.acknowledged(ok);
        tracker.failed(failed, new IllegalStateException("NOT_ENOUGH_REPLICAS"));
        tracker.delivered(0, 0, ok);
        tracker.delivered(0, 0, failed); // a broker may deliver what it could not confirm
        DeliveryReport r = tracker.report();
        assertEquals(3, r.published());
        assertEquals(1, r.acknowledged());
        assertEquals(1, r.publishFailed());
        assertEquals(1, r.unconfirmed(), "the one never answered");
        assertEquals(1, r.publishErrors().get("IllegalStateException: NOT_ENOUGH_REPLICAS"));
        assertEquals(1, r.expectedDeliveries());
        assertEquals(2, r.delivered());
        assertEquals(1, r.deliveredUnacknowledged());
        assertEquals(0, r.lost());
        assertNull(r.outOfOrder(), "order not tracked");
    }

    @Test
    void concurrentSubscribersWithShuffledDeliveriesLoseNothingAndTheDrainEnds() throws Exception {
        int subscribers = 4;
        int messages = 50_000;
        DeliveryTracker tracker = new DeliveryTracker(subscribers, false);
        List<MessageStamp> all = new ArrayList<>();
        for (int i = 0; i < messages; i++) {
            MessageStamp m = tracker.stamp(i % 100, i / 100, subscribers);
            tracker.acknowledged(m);
            all.add(m);
        }
        ExecutorService pool = Executors.newFixedThreadPool(subscribers);
        Random random = new Random(7);
        for (int s = 0; s < subscribers; s++) {
            List<MessageStamp> mine = new ArrayList<>(all);
            Collections.shuffle(mine, random);
            int subscriber = s;
            pool.submit(() -> mine.forEach(m -> tracker.delivered(subscriber, 0, m)));
        }
        assertTrue(tracker.awaitDeliveries(Duration.ofSeconds(30)), "every delivery arrived");
        pool.shutdown();
        assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
        DeliveryReport r = tracker.report();
        assertEquals((long) subscribers * messages, r.delivered());
        assertEquals(0, r.lost());
        assertEquals(0, r.duplicates());
        assertEquals(0, tracker.inTransit());
    }

    @Test
    void theDrainGivesUpAtItsDeadlineAndTheMissingAreLost() {
        DeliveryTracker tracker = new DeliveryTracker(1, false);
        for (int i = 0; i < 10; i++) {
            MessageStamp m = tracker.stamp(0, i, 1);
            tracker.acknowledged(m);
            if (i != 4) {
                tracker.delivered(0, 0, m);
            }
        }
        long start = System.nanoTime();
        assertFalse(tracker.awaitDeliveries(Duration.ofMillis(100)));
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(2));
        assertEquals(1, tracker.report().lost());
    }

    @Test
    void aDeliveredTimeoutDoesNotHideAnAcknowledgedMessageStillInTransit() {
        DeliveryTracker tracker = new DeliveryTracker(2, false);
        MessageStamp timedOut = tracker.stamp(0, 0, 2);
        tracker.failed(timedOut, new java.util.concurrent.TimeoutException("publish timed out"));
        tracker.delivered(0, 0, timedOut); // delivered all the same
        tracker.delivered(1, 0, timedOut);
        MessageStamp early = tracker.stamp(0, 1, 2);
        tracker.delivered(0, 0, early); // delivered before its acknowledgement
        tracker.acknowledged(early);
        MessageStamp pending = tracker.stamp(0, 2, 2);
        tracker.acknowledged(pending);
        tracker.delivered(1, 0, pending);
        assertEquals(2, tracker.inTransit(), "early to subscriber 1 and pending to subscriber 0 are still due");
        assertFalse(tracker.awaitDeliveries(Duration.ofMillis(50)), "the drain waits for them");
        tracker.delivered(1, 0, early);
        tracker.delivered(0, 0, pending);
        assertEquals(0, tracker.inTransit());
        assertTrue(tracker.awaitDeliveries(Duration.ofMillis(50)));
        assertEquals(0, tracker.report().lost());
    }

    @Test
    void aTrackedPublishIsRecordedAndKeepsItsOutcomeOrItsFailure() {
        DeliveryTracker tracker = new DeliveryTracker(1, false);
        MessageStamp ok = tracker.stamp(0, 0, 1);
        MessageStamp bad = tracker.stamp(0, 1, 1);
        CompletableFuture<Long> okPublish = new CompletableFuture<>();
        CompletableFuture<Long> badPublish = new CompletableFuture<>();
        CompletableFuture<String> okTracked = tracker.track(ok, okPublish, "published").toCompletableFuture();
        CompletableFuture<String> badTracked = tracker.track(bad, badPublish, "published").toCompletableFuture();
        assertFalse(tracker.isAcknowledged(ok.index()), "not before the broker answered");
        okPublish.complete(1L);
        badPublish.completeExceptionally(new IllegalStateException("NOT_ENOUGH_REPLICAS"));
        assertEquals("published", okTracked.join());
        assertTrue(tracker.isAcknowledged(ok.index()));
        assertFalse(tracker.isAcknowledged(bad.index()));
        ExecutionException e = assertThrows(ExecutionException.class, badTracked::get);
        assertEquals("NOT_ENOUGH_REPLICAS", e.getCause().getMessage(), "the publish's own error, unwrapped once");
        DeliveryReport r = tracker.report();
        assertEquals(1, r.acknowledged());
        assertEquals(1, r.publishFailed());
    }

    @Test
    void stampsSurviveTheirEncodingsAndGarbageIsMalformed() {
        DeliveryTracker tracker = new DeliveryTracker(1, false);
        MessageStamp m = tracker.stamp(123_456, 789, 1);
        assertEquals(m, MessageStamp.parseText(m.toText()));
        assertEquals(m, MessageStamp.readFrom(ByteBuffer.wrap(m.toBytes())));
        MessageStamp extremes = new MessageStamp(Long.MAX_VALUE, Integer.MAX_VALUE, 0, -1_234_567_890_123L, 0);
        assertEquals(extremes, MessageStamp.parseText(extremes.toText()), "a negative nanoTime survives its text");
        assertThrows(MalformedMessageException.class, () -> MessageStamp.parseText("not.a.stamp"));
        assertThrows(MalformedMessageException.class, () -> MessageStamp.parseText(null));
        assertThrows(MalformedMessageException.class, () -> MessageStamp.parseText("1.2.3.4.5.6"));
        assertThrows(MalformedMessageException.class, () -> MessageStamp.parseText("1..3.4.5"));
        assertThrows(MalformedMessageException.class, () -> MessageStamp.parseText("1.2.3.4.-5"), "a negative fan-out");
        assertThrows(MalformedMessageException.class, () -> MessageStamp.parseText("1.2.3.4.5z!"));
        assertThrows(MalformedMessageException.class, () -> MessageStamp.readFrom(ByteBuffer.wrap(new byte[3])));
        tracker.malformed();
        assertEquals(1, tracker.report().malformed());
        assertThrows(IllegalArgumentException.class, () -> tracker.stamp(0, 0, 2), "fan-out beyond the subscribers");
    }
}
