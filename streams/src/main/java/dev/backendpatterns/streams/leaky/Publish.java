package dev.backendpatterns.streams.leaky;

import dev.backendpatterns.common.load.Operation;
import dev.backendpatterns.common.messaging.DeliveryTracker;
import dev.backendpatterns.common.messaging.MessageBits;
import dev.backendpatterns.common.messaging.MessageStamp;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/** The publishers' burst: request i is publisher i's one entry, a stamp of the tracker; counted once acknowledged. */
final class Publish implements Operation {
    static final String PUBLISHED = "published";

    private final DrainQueue queue;
    private final DeliveryTracker tracker;
    private final MessageBits acknowledged = new MessageBits();

    Publish(DrainQueue queue, DeliveryTracker tracker) {
        this.queue = queue;
        this.tracker = tracker;
    }

    @Override
    public CompletionStage<String> start(long index) {
        MessageStamp stamp = tracker.stamp((int) Math.min(index, Integer.MAX_VALUE), 0, 1);
        return queue.publish(stamp.index(), stamp.toBytes()).handle((done, error) -> {
            if (error != null) {
                tracker.failed(stamp, error);
                throw error instanceof CompletionException c ? c : new CompletionException(error);
            }
            tracker.acknowledged(stamp);
            acknowledged.add(stamp.index());
            return PUBLISHED;
        });
    }

    @Override
    public void flush() {
        queue.flush();
    }

    /** The entries the broker acknowledged, by sequence (the stamp's index). */
    MessageBits acknowledged() {
        return acknowledged;
    }
}
