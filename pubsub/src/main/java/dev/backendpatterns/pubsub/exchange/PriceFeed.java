package dev.backendpatterns.pubsub.exchange;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.backendpatterns.common.messaging.DeliveryTracker;
import dev.backendpatterns.common.messaging.MessageStamp;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;

/**
 * The traders' side of the price channel: a few subscriptions (each serving a share of the traders in process, as a
 * trading gateway would) that each receive every price update. The newest price any of them saw is what traders trade
 * on; every delivery goes through the delivery tracker, with a fan-out of the number of subscriptions.
 */
final class PriceFeed {
    private static final ObjectReader READER = new ObjectMapper().readerFor(PriceUpdate.class);
    private static final long PRICE_BITS = 16_384;

    private final DeliveryTracker tracker;
    /** The newest update seen, as sequence x 16384 + price, so that a late, older update never wins. */
    private final AtomicLong newest;

    PriceFeed(DeliveryTracker tracker, int openingPrice) {
        this.tracker = tracker;
        this.newest = new AtomicLong(openingPrice);
    }

    /** The handler of subscription {@code subscriber}. */
    BiConsumer<String, byte[]> subscriber(int subscriber) {
        return (channel, payload) -> {
            long now = System.nanoTime();
            PriceUpdate update;
            MessageStamp stamp;
            try {
                update = READER.readValue(payload);
                stamp = MessageStamp.parseText(update.stamp());
            } catch (IOException | RuntimeException e) {
                tracker.malformed();
                return;
            }
            tracker.delivered(subscriber, 0, stamp, now);
            newest.accumulateAndGet(stamp.sequence() * PRICE_BITS + update.price(), Math::max);
        };
    }

    /** The price traders see now. */
    int price() {
        return (int) (newest.get() % PRICE_BITS);
    }
}
