package dev.backendpatterns.streams.leaky;

import dev.backendpatterns.common.load.Operation;
import dev.backendpatterns.common.messaging.DeliveryTracker;
import dev.backendpatterns.common.messaging.MessageStamp;
import java.util.concurrent.CompletionStage;

/** The publishers' burst: request i is publisher i's one entry, a stamp of the tracker; counted once acknowledged. */
final class Publish implements Operation {
    static final String PUBLISHED = "published";

    private final DrainQueue queue;
    private final DeliveryTracker tracker;

    Publish(DrainQueue queue, DeliveryTracker tracker) {
        this.queue = queue;
        this.tracker = tracker;
    }

    @Override
    public CompletionStage<String> start(long index) {
        MessageStamp stamp = tracker.stamp((int) Math.min(index, Integer.MAX_VALUE), 0, 1);
        return tracker.track(stamp, queue.publish(stamp.index(), stamp.toBytes()), PUBLISHED);
    }

    @Override
    public void flush() {
        queue.flush();
    }
}
