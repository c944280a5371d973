package dev.backendpatterns.pubsub.exchange;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import dev.backendpatterns.common.load.Operation;
import dev.backendpatterns.common.load.Schedule;
import dev.backendpatterns.common.messaging.DeliveryTracker;
import dev.backendpatterns.common.messaging.MessageStamp;
import dev.backendpatterns.pubsub.broker.Broker;
import java.util.SplittableRandom;
import java.util.concurrent.CompletionStage;

/**
 * The traders, simulated: once a second each trader may send a market order (20%), act on a limit order (30%: place a
 * new one near the price it sees, or, if it has one resting, update or cancel it), or set a price alert (1%). Trader t
 * acts at t/P of each second, so the market is a schedule the load runner follows, open loop. A trader's state (its
 * resting order, its alert) belongs to the dispatcher thread alone; its cash and shares belong to the exchange, which
 * decides what it can afford.
 */
final class Market implements Schedule, Operation {
    static final String ALERT_SET = "alert_set";
    static final String PUBLISHED = "published";
    private static final ObjectWriter WRITER = new ObjectMapper().writerFor(Order.class);
    private static final int MARKET = 1;
    private static final int LIMIT = 2;
    private static final int ALERT = 3;

    private final int traders;
    private final int seconds;
    private final int volatility;
    private final SplittableRandom random;
    private final Broker broker;
    private final DeliveryTracker orders;
    private final PriceFeed feed;
    private final long[] restingOrder;
    private final Side[] restingSide;
    private final int[] alertPrice;
    private final boolean[] alertAbove;
    private final long[] sent;
    private final int[] actors;
    private final byte[] actions;
    private int count;
    private int cursor;
    private int second;
    private long nextOrderId = 1_000_000;
    private long alertsTriggered;

    Market(int traders, int seconds, int volatility, long seed, Broker broker, DeliveryTracker orders, PriceFeed feed) {
        this.traders = traders;
        this.seconds = seconds;
        this.volatility = volatility;
        this.random = new SplittableRandom(seed);
        this.broker = broker;
        this.orders = orders;
        this.feed = feed;
        this.restingOrder = new long[traders];
        this.restingSide = new Side[traders];
        this.alertPrice = new int[traders];
        this.alertAbove = new boolean[traders];
        this.sent = new long[traders];
        this.actors = new int[traders];
        this.actions = new byte[traders];
    }

    @Override
    public long dueNanos(long index) {
        while (cursor == count) {
            if (second == seconds) {
                return Schedule.END;
            }
            simulateSecond();
        }
        return (second - 1) * 1_000_000_000L + (long) actors[cursor] * 1_000_000_000L / traders;
    }

    private void simulateSecond() {
        second++;
        count = 0;
        cursor = 0;
        int price = feed.price();
        for (int t = 0; t < traders; t++) {
            if (alertPrice[t] != 0 && (alertAbove[t] ? price >= alertPrice[t] : price <= alertPrice[t])) {
                alertsTriggered++;
                alertPrice[t] = 0;
            }
            double r = random.nextDouble();
            int action = r < 0.2 ? MARKET : r < 0.5 ? LIMIT : r < 0.51 ? ALERT : 0;
            if (action != 0) {
                actors[count] = t;
                actions[count++] = (byte) action;
            }
        }
    }

    @Override
    public CompletionStage<String> start(long index) {
        int t = actors[cursor];
        int action = actions[cursor++];
        int price = feed.price();
        if (action == ALERT) {
            alertAbove[t] = random.nextBoolean();
            alertPrice[t] = Math.max(MatchingEngine.MIN_PRICE, Math.min(MatchingEngine.MAX_PRICE,
                    alertAbove[t] ? price + price / 20 : price - price / 20));
            return Operation.local(ALERT_SET);
        }
        Side side = random.nextBoolean() ? Side.BUY : Side.SELL;
        int quantity = 1 + random.nextInt(10);
        Order.Kind kind;
        long id;
        int limit = 0;
        if (action == MARKET) {
            kind = Order.Kind.MARKET;
            id = nextOrderId++;
        } else if (restingOrder[t] != 0) {
            id = restingOrder[t];
            if (random.nextBoolean()) {
                kind = Order.Kind.CANCEL;
                restingOrder[t] = 0;
            } else {
                kind = Order.Kind.UPDATE;
                side = restingSide[t];
                limit = limitPrice(price, side);
            }
        } else {
            kind = Order.Kind.LIMIT;
            id = nextOrderId++;
            limit = limitPrice(price, side);
            restingOrder[t] = id;
            restingSide[t] = side;
        }
        MessageStamp stamp = orders.stamp(t, sent[t]++, 1);
        byte[] payload;
        try {
            payload = WRITER.writeValueAsBytes(new Order(id, t, kind, side, limit, quantity, stamp.toText()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        return orders.track(stamp, broker.publish(Exchange.ORDERS, payload), PUBLISHED);
    }

    /** A limit near the price: a buy below it, a sell above it, 1 to 10 + volatility ticks away. */
    private int limitPrice(int price, Side side) {
        int away = 1 + random.nextInt(10 + volatility);
        int limit = side == Side.BUY ? price - away : price + away;
        return Math.max(MatchingEngine.MIN_PRICE, Math.min(MatchingEngine.MAX_PRICE, limit));
    }

    @Override
    public void flush() {
        broker.flush();
    }

    long alertsTriggered() {
        return alertsTriggered;
    }
}
