package dev.backendpatterns.pubsub.exchange;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backendpatterns.pubsub.exchange.MatchingEngine.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MatchingEngineTest {
    private static final long CASH = 1_000_000;
    private static final long SHARES = 1_000;
    private Accounts accounts;
    private MatchingEngine engine;
    private long nextId;

    @BeforeEach
    void setUp() {
        accounts = new Accounts(5, CASH, SHARES);
        engine = new MatchingEngine(accounts, 100);
        nextId = 1;
    }

    private MatchingEngine.Result limit(int trader, Side side, int price, int quantity) {
        return engine.submit(new Order(nextId++, trader, Order.Kind.LIMIT, side, price, quantity, null));
    }

    private MatchingEngine.Result market(int trader, Side side, int quantity) {
        return engine.submit(new Order(nextId++, trader, Order.Kind.MARKET, side, 0, quantity, null));
    }

    private void assertInvariants() {
        Map<String, Boolean> checks = engine.invariants(5 * CASH, 5 * SHARES);
        assertTrue(checks.values().stream().allMatch(v -> v), checks.toString());
    }

    @Test
    void theBestPriceTradesFirstAndAtOnePriceTheOldestOrder() {
        limit(0, Side.SELL, 102, 5); // id 1
        limit(1, Side.SELL, 101, 5); // id 2: better price
        limit(2, Side.SELL, 101, 5); // id 3: same price, later
        MatchingEngine.Result buy = limit(3, Side.BUY, 102, 12);
        assertEquals(Status.FILLED, buy.status());
        List<Fill> sells = buy.fills().stream().filter(f -> f.side() == Side.SELL).toList();
        assertEquals(List.of(2L, 3L, 1L), sells.stream().map(Fill::order).toList(), "price, then time");
        assertEquals(List.of(5, 5, 2), sells.stream().map(Fill::quantity).toList());
        assertEquals(List.of(101, 101, 102), sells.stream().map(Fill::price).toList(), "at the resting orders' prices");
        assertEquals(102, engine.lastPrice());
        assertEquals(3, engine.depth(Side.SELL, 102), "the oldest order at 102 keeps what was not taken");
        // the buyer reserved 12 x 102 but paid 5 x 101 + 5 x 101 + 2 x 102: it gets the difference back
        assertEquals(CASH - (10 * 101 + 2 * 102), accounts.cash(3));
        assertEquals(0, accounts.reservedCash(3));
        assertEquals(SHARES + 12, accounts.shares(3));
        assertInvariants();
    }

    @Test
    void aPartlyFilledLimitOrderRestsWithItsReserve() {
        limit(0, Side.SELL, 100, 4);
        MatchingEngine.Result buy = limit(1, Side.BUY, 100, 10);
        assertEquals(Status.RESTING, buy.status());
        assertEquals(2, buy.fills().size(), "one trade: one fill per side");
        assertTrue(buy.fills().stream().allMatch(f -> f.quantity() == 4), "of the 4 shares there were");
        assertEquals(6, engine.depth(Side.BUY, 100));
        assertEquals(600, accounts.reservedCash(1));
        assertEquals(100, engine.bestBid());
        assertEquals(0, engine.bestAsk());
        assertInvariants();
    }

    @Test
    void aMarketOrderWalksTheBookAndDropsWhatItCannotFill() {
        limit(0, Side.SELL, 100, 3);
        limit(0, Side.SELL, 105, 3);
        limit(0, Side.SELL, 110, 3);
        MatchingEngine.Result buy = market(1, Side.BUY, 20);
        assertEquals(Status.PARTIALLY_FILLED_REST_DROPPED, buy.status());
        assertEquals(9, buy.fills().stream().filter(f -> f.side() == Side.BUY).mapToInt(Fill::quantity).sum());
        assertEquals(110, engine.lastPrice());
        assertEquals(0, engine.bestAsk());
        assertEquals(0, engine.restingOrders());
        assertEquals(Status.NO_LIQUIDITY, market(2, Side.BUY, 1).status());
        assertInvariants();
    }

    @Test
    void aMarketOrderStopsAtWhatTheTraderCanPay() {
        Accounts poor = new Accounts(2, 250, 10);
        MatchingEngine small = new MatchingEngine(poor, 100);
        small.submit(new Order(1, 0, Order.Kind.LIMIT, Side.SELL, 100, 10, null));
        MatchingEngine.Result buy = small.submit(new Order(2, 1, Order.Kind.MARKET, Side.BUY, 0, 10, null));
        assertEquals(2, buy.fills().stream().filter(f -> f.side() == Side.BUY).mapToInt(Fill::quantity).sum(), "250 pays for 2 at 100");
        assertEquals(50, poor.cash(1));
        assertTrue(small.invariants(500, 20).values().stream().allMatch(v -> v));
    }

    @Test
    void ordersTheTraderCannotCoverAreRefused() {
        assertEquals(Status.REJECTED_FUNDS, limit(0, Side.BUY, 10_000, 101).status(), "101 x 10,000 > 1,000,000");
        assertEquals(Status.REJECTED_SHARES, limit(0, Side.SELL, 100, 1_001).status());
        assertEquals(Status.REJECTED_INVALID, limit(0, Side.SELL, 10_001, 1).status());
        assertEquals(Status.REJECTED_INVALID, limit(0, Side.SELL, 100, 0).status());
        assertEquals(Status.REJECTED_INVALID, limit(7, Side.SELL, 100, 1).status(), "no such trader");
        limit(1, Side.BUY, 90, 1);
        Accounts broke = new Accounts(2, 0, 0);
        MatchingEngine empty = new MatchingEngine(broke, 100);
        empty.submit(new Order(1, 0, Order.Kind.LIMIT, Side.BUY, 100, 1, null));
        assertEquals(Status.REJECTED_FUNDS, empty.submit(new Order(1, 0, Order.Kind.LIMIT, Side.BUY, 100, 1, null)).status(),
                "no cash at all");
        assertEquals(CASH, accounts.cash(0));
        assertInvariants();
    }

    @Test
    void cancelAndUpdateGiveBackTheReserveAndAnUpdateLosesItsPlace() {
        limit(0, Side.BUY, 99, 10); // id 1
        limit(1, Side.BUY, 99, 10); // id 2
        assertEquals(Status.UNKNOWN_ORDER, engine.submit(new Order(1, 2, Order.Kind.CANCEL, null, 0, 0, null)).status(),
                "only its owner cancels an order");
        assertEquals(Status.UPDATED, engine.submit(new Order(1, 0, Order.Kind.UPDATE, Side.BUY, 99, 5, null)).status());
        assertEquals(CASH - 5 * 99, accounts.cash(0), "the reserve follows the new quantity");
        MatchingEngine.Result sell = limit(3, Side.SELL, 99, 12);
        List<Long> bought = sell.fills().stream().filter(f -> f.side() == Side.BUY).map(Fill::order).toList();
        assertEquals(List.of(2L, 1L), bought, "order 2 now comes first: the update lost order 1 its place");
        assertEquals(Status.UNKNOWN_ORDER, engine.submit(new Order(2, 1, Order.Kind.CANCEL, null, 0, 0, null)).status(), "filled");
        assertEquals(Status.CANCELLED, engine.submit(new Order(1, 0, Order.Kind.CANCEL, null, 0, 0, null)).status());
        assertEquals(0, accounts.reservedCash(0));
        assertEquals(0, engine.restingOrders());
        assertInvariants();
    }

    @Test
    void aRandomMarketKeepsEveryInvariant() {
        SplittableRandom random = new SplittableRandom(21);
        List<Long> placed = new ArrayList<>();
        long fills = 0;
        for (int i = 0; i < 200_000; i++) {
            int trader = random.nextInt(5);
            Side side = random.nextBoolean() ? Side.BUY : Side.SELL;
            double r = random.nextDouble();
            MatchingEngine.Result result;
            if (r < 0.3) {
                result = market(trader, side, 1 + random.nextInt(20));
            } else if (r < 0.8 || placed.isEmpty()) {
                long id = nextId;
                result = limit(trader, side, 90 + random.nextInt(21), 1 + random.nextInt(20));
                placed.add(id);
            } else {
                long id = placed.get(random.nextInt(placed.size()));
                Order.Kind kind = random.nextBoolean() ? Order.Kind.CANCEL : Order.Kind.UPDATE;
                result = engine.submit(new Order(id, trader, kind, side, 90 + random.nextInt(21), 1 + random.nextInt(20), null));
            }
            fills += result.fills().size();
            assertTrue(MatchingEngine.pairedByTrade(result.fills()), "every fill has its counter-fill at " + i + ": " + result.fills());
            assertTrue(engine.bestBid() == 0 || engine.bestAsk() == 0 || engine.bestBid() < engine.bestAsk(), "crossed at " + i);
        }
        assertTrue(fills > 10_000, "the market traded: " + fills);
        assertInvariants();
    }

    @Test
    void theCounterFillCheckFailsOnAFillWithoutItsPairOrWithADifferentQuantity() {
        Fill buy = new Fill(1, 10, 0, Side.BUY, 100, 5);
        assertTrue(MatchingEngine.pairedByTrade(List.of(buy, new Fill(1, 11, 1, Side.SELL, 100, 5))));
        assertFalse(MatchingEngine.pairedByTrade(List.of(buy)), "no counter-fill");
        assertFalse(MatchingEngine.pairedByTrade(List.of(buy, new Fill(1, 11, 1, Side.SELL, 100, 4))), "another quantity");
        assertFalse(MatchingEngine.pairedByTrade(List.of(buy, new Fill(1, 11, 1, Side.BUY, 100, 5))), "two buys");
        assertFalse(MatchingEngine.pairedByTrade(List.of(buy, new Fill(1, 11, 1, Side.SELL, 101, 5))), "another price");
    }
}
