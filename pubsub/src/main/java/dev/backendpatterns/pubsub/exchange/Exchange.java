package dev.backendpatterns.pubsub.exchange;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import dev.backendpatterns.common.messaging.DeliveryTracker;
import dev.backendpatterns.common.messaging.MalformedMessageException;
import dev.backendpatterns.common.messaging.MessageStamp;
import dev.backendpatterns.pubsub.broker.Broker;
import java.io.IOException;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * The exchange's side: the one subscriber of the order channel, which feeds each order to the {@link MatchingEngine}
 * (so the engine and the accounts have one owner: the thread this subscriber's messages arrive on) and, when trades
 * moved the price, publishes the new price on the price channel, stamped for the price feed's delivery tracker. Every
 * order is acknowledged by the engine as it is processed, which is where its latency ends.
 */
final class Exchange {
    static final String ORDERS = "order_channel";
    static final String PRICES = "current_price_channel";
    private static final ObjectReader ORDER_READER = new ObjectMapper().readerFor(Order.class);
    private static final ObjectWriter PRICE_WRITER = new ObjectMapper().writerFor(PriceUpdate.class);

    private final MatchingEngine engine;
    private final DeliveryTracker orders;
    private final DeliveryTracker prices;
    private final int feedSubscribers;
    private final Broker.Publisher publisher;
    private final Map<MatchingEngine.Status, LongAdder> statuses = new EnumMap<>(MatchingEngine.Status.class);
    private final Ohlc ohlc;
    private long priceUpdates;

    Exchange(MatchingEngine engine, DeliveryTracker orders, DeliveryTracker prices, int feedSubscribers, Broker.Publisher publisher) {
        this.engine = engine;
        this.orders = orders;
        this.prices = prices;
        this.feedSubscribers = feedSubscribers;
        this.publisher = publisher;
        this.ohlc = new Ohlc(engine.lastPrice());
        for (MatchingEngine.Status status : MatchingEngine.Status.values()) {
            statuses.put(status, new LongAdder());
        }
    }

    /** An order arrived on the order channel. */
    void received(String channel, byte[] payload) {
        long now = System.nanoTime();
        Order order;
        MessageStamp stamp;
        try {
            order = ORDER_READER.readValue(payload);
            stamp = MessageStamp.parseText(order.stamp());
            if (order.kind() == null || order.side() == null && order.kind() != Order.Kind.CANCEL) {
                throw new MalformedMessageException("order without kind or side");
            }
        } catch (IOException | RuntimeException e) {
            orders.malformed();
            return;
        }
        orders.delivered(0, 0, stamp, now);
        MatchingEngine.Result result;
        int price;
        synchronized (this) {
            int before = engine.lastPrice();
            result = engine.submit(order);
            price = engine.lastPrice();
            statuses.get(result.status()).increment();
            if (!result.fills().isEmpty()) {
                ohlc.trade(price, result.fills().stream().mapToLong(Fill::quantity).sum() / 2);
            }
            if (price == before) {
                return;
            }
            priceUpdates++;
        }
        MessageStamp update = prices.stamp(0, priceUpdates, feedSubscribers);
        byte[] body;
        try {
            body = PRICE_WRITER.writeValueAsBytes(new PriceUpdate(price, update.toText()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        prices.track(update, publisher.publish(PRICES, body), null);
    }

    /** Counts of what became of the orders, by status. */
    synchronized Map<String, Long> statuses() {
        Map<String, Long> counts = new TreeMap<>();
        statuses.forEach((status, count) -> {
            if (count.sum() > 0) {
                counts.put(status.name().toLowerCase(Locale.ROOT), count.sum());
            }
        });
        return counts;
    }

    /** Runs {@code read} with the engine held, so that a screen or the final checks see one consistent state. */
    synchronized <T> T read(Function<MatchingEngine, T> read) {
        return read.apply(engine);
    }

    synchronized Ohlc.Snapshot ohlc(boolean resetInterval) {
        return ohlc.snapshot(resetInterval);
    }
}
