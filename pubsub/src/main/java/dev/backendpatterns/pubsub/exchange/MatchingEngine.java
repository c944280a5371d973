package dev.backendpatterns.pubsub.exchange;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One instrument's order book and its matching, with price-time priority: an incoming order trades with the best
 * opposite price first and, at one price, with the order that rested first; each trade is at the resting order's price.
 * A limit order reserves its cash (price x quantity) or shares up front and is refused without them; what it does not
 * fill rests. A market order walks the book as far as the buyer's cash or the seller's shares allow, and what it cannot
 * fill is dropped. An update is a cancel and a new order with the same id (it loses its place in time). Prices are ticks
 * from {@value #MIN_PRICE} to {@value #MAX_PRICE}.
 *
 * <p>Not thread-safe: one thread, the one consuming the order channel, owns the engine and the {@link Accounts}.
 */
final class MatchingEngine {
    static final int MIN_PRICE = 1;
    static final int MAX_PRICE = 10_000;

    /** What became of an order. */
    enum Status { RESTING, FILLED, PARTIALLY_FILLED_REST_DROPPED, NO_LIQUIDITY, REJECTED_FUNDS, REJECTED_SHARES, REJECTED_INVALID,
        UNKNOWN_ORDER, CANCELLED, UPDATED }

    /** The engine's answer: what became of the order, and the fills it caused (each trade once per side). */
    record Result(Status status, List<Fill> fills) {
    }

    /** A limit order waiting in the book. */
    private static final class Resting {
        final long id;
        final int trader;
        final Side side;
        final int price;
        int remaining;

        Resting(long id, int trader, Side side, int price, int remaining) {
            this.id = id;
            this.trader = trader;
            this.side = side;
            this.price = price;
            this.remaining = remaining;
        }
    }

    private final Accounts accounts;
    private final List<ArrayDeque<Resting>> bids = new ArrayList<>();
    private final List<ArrayDeque<Resting>> asks = new ArrayList<>();
    private final Map<Long, Resting> resting = new HashMap<>();
    private int bestBid = MIN_PRICE - 1;
    private int bestAsk = MAX_PRICE + 1;
    private int lastPrice;
    private long trades;
    private long volume;
    private boolean everUnpaired;
    private boolean everCrossed;

    MatchingEngine(Accounts accounts, int openingPrice) {
        this.accounts = accounts;
        this.lastPrice = openingPrice;
        for (int p = 0; p <= MAX_PRICE + 1; p++) {
            bids.add(new ArrayDeque<>());
            asks.add(new ArrayDeque<>());
        }
    }

    Result submit(Order order) {
        Result result = switch (order.kind()) {
            case LIMIT -> limit(order.id(), order.trader(), order.side(), order.price(), order.quantity());
            case MARKET -> market(order.id(), order.trader(), order.side(), order.quantity());
            case CANCEL -> cancel(order.id(), order.trader());
            case UPDATE -> update(order);
        };
        if (bestBid >= bestAsk) {
            everCrossed = true; // matching must never leave the book crossed
        }
        if (!pairedByTrade(result.fills())) {
            everUnpaired = true;
        }
        return result;
    }

    /**
     * Whether {@code fills} come in counter-fills: for each trade, one buy and one sell of the same price and quantity,
     * by two different orders.
     */
    static boolean pairedByTrade(List<Fill> fills) {
        if (fills.isEmpty()) {
            return true;
        }
        Map<Long, Fill> open = new HashMap<>();
        for (Fill f : fills) {
            Fill other = open.remove(f.trade());
            if (other == null) {
                open.put(f.trade(), f);
            } else if (other.side() == f.side() || other.price() != f.price() || other.quantity() != f.quantity()
                    || other.order() == f.order()) {
                return false;
            }
        }
        return open.isEmpty();
    }

    private static boolean valid(int trader, int price, int quantity, int traders) {
        return trader >= 0 && trader < traders && price >= MIN_PRICE && price <= MAX_PRICE && quantity > 0;
    }

    private Result limit(long id, int trader, Side side, int price, int quantity) {
        if (!valid(trader, price, quantity, accounts.traders()) || resting.containsKey(id)) {
            return new Result(Status.REJECTED_INVALID, List.of());
        }
        if (!accounts.reserve(trader, side, price, quantity)) {
            return new Result(side == Side.BUY ? Status.REJECTED_FUNDS : Status.REJECTED_SHARES, List.of());
        }
        List<Fill> fills = new ArrayList<>();
        int left = match(id, trader, side, price, quantity, true, fills);
        if (left == 0) {
            return new Result(Status.FILLED, fills);
        }
        Resting order = new Resting(id, trader, side, price, left);
        resting.put(id, order);
        if (side == Side.BUY) {
            bids.get(price).addLast(order);
            bestBid = Math.max(bestBid, price);
        } else {
            asks.get(price).addLast(order);
            bestAsk = Math.min(bestAsk, price);
        }
        return new Result(Status.RESTING, fills);
    }

    private Result market(long id, int trader, Side side, int quantity) {
        if (!valid(trader, MIN_PRICE, quantity, accounts.traders())) {
            return new Result(Status.REJECTED_INVALID, List.of());
        }
        List<Fill> fills = new ArrayList<>();
        int limit = side == Side.BUY ? MAX_PRICE : MIN_PRICE;
        int left = match(id, trader, side, limit, quantity, false, fills);
        if (left == quantity) {
            boolean empty = side == Side.BUY ? bestAsk > MAX_PRICE : bestBid < MIN_PRICE;
            return new Result(empty ? Status.NO_LIQUIDITY : side == Side.BUY ? Status.REJECTED_FUNDS : Status.REJECTED_SHARES, fills);
        }
        return new Result(left == 0 ? Status.FILLED : Status.PARTIALLY_FILLED_REST_DROPPED, fills);
    }

    /**
     * Trades an incoming order against the book while it crosses; returns what is left of it. {@code reserved}: the
     * incoming order's cash or shares were reserved at {@code limit} (a limit order), else it pays from what the trader
     * holds, as far as that goes (a market order).
     */
    private int match(long id, int trader, Side side, int limit, int quantity, boolean reserved, List<Fill> fills) {
        int left = quantity;
        while (left > 0) {
            int price = side == Side.BUY ? bestAsk : bestBid;
            if (side == Side.BUY ? price > limit || price > MAX_PRICE : price < limit || price < MIN_PRICE) {
                break;
            }
            ArrayDeque<Resting> level = (side == Side.BUY ? asks : bids).get(price);
            Resting other = level.peekFirst();
            int quantityHere = Math.min(left, other.remaining);
            if (!reserved) {
                quantityHere = side == Side.BUY ? (int) Math.min(quantityHere, accounts.cash(trader) / price)
                        : (int) Math.min(quantityHere, accounts.shares(trader));
                if (quantityHere == 0) {
                    break;
                }
            }
            long trade = ++trades;
            if (side == Side.BUY) {
                accounts.settle(trader, reserved, limit, other.trader, true, price, quantityHere);
                fills.add(new Fill(trade, id, trader, Side.BUY, price, quantityHere));
                fills.add(new Fill(trade, other.id, other.trader, Side.SELL, price, quantityHere));
            } else {
                accounts.settle(other.trader, true, other.price, trader, reserved, price, quantityHere);
                fills.add(new Fill(trade, other.id, other.trader, Side.BUY, price, quantityHere));
                fills.add(new Fill(trade, id, trader, Side.SELL, price, quantityHere));
            }
            volume += quantityHere;
            lastPrice = price;
            left -= quantityHere;
            other.remaining -= quantityHere;
            if (other.remaining == 0) {
                level.pollFirst();
                resting.remove(other.id);
                if (level.isEmpty()) {
                    advanceBest(side.opposite());
                }
            }
        }
        return left;
    }

    private void advanceBest(Side side) {
        if (side == Side.SELL) {
            while (bestAsk <= MAX_PRICE && asks.get(bestAsk).isEmpty()) {
                bestAsk++;
            }
        } else {
            while (bestBid >= MIN_PRICE && bids.get(bestBid).isEmpty()) {
                bestBid--;
            }
        }
    }

    private Result cancel(long id, int trader) {
        Resting order = resting.get(id);
        if (order == null || order.trader != trader) {
            return new Result(Status.UNKNOWN_ORDER, List.of());
        }
        remove(order);
        return new Result(Status.CANCELLED, List.of());
    }

    private void remove(Resting order) {
        resting.remove(order.id);
        ArrayDeque<Resting> level = (order.side == Side.BUY ? bids : asks).get(order.price);
        level.remove(order);
        accounts.release(order.trader, order.side, order.price, order.remaining);
        if (level.isEmpty()) {
            advanceBest(order.side);
        }
    }

    private Result update(Order order) {
        Resting old = resting.get(order.id());
        if (old == null || old.trader != order.trader()) {
            return new Result(Status.UNKNOWN_ORDER, List.of());
        }
        remove(old);
        Result again = limit(order.id(), order.trader(), old.side, order.price(), order.quantity());
        return again.status() == Status.RESTING && again.fills().isEmpty() ? new Result(Status.UPDATED, List.of()) : again;
    }

    Accounts accounts() {
        return accounts;
    }

    int lastPrice() {
        return lastPrice;
    }

    /** The best bid, or 0 without bids. */
    int bestBid() {
        return bestBid < MIN_PRICE ? 0 : bestBid;
    }

    /** The best ask, or 0 without asks. */
    int bestAsk() {
        return bestAsk > MAX_PRICE ? 0 : bestAsk;
    }

    long trades() {
        return trades;
    }

    long volume() {
        return volume;
    }

    int restingOrders() {
        return resting.size();
    }

    /** Shares resting at {@code price} on {@code side}. */
    long depth(Side side, int price) {
        if (price < MIN_PRICE || price > MAX_PRICE) {
            return 0;
        }
        long sum = 0;
        for (Resting r : (side == Side.BUY ? bids : asks).get(price)) {
            sum += r.remaining;
        }
        return sum;
    }

    /**
     * The invariants of the market, each with whether it holds: cash and shares conserved against the totals at the
     * start, no balance negative, the book never left crossed by matching, every fill with its counter-fill, and the
     * reserves equal to what the resting orders hold.
     */
    Map<String, Boolean> invariants(long cashAtStart, long sharesAtStart) {
        long reservedCash = 0;
        long reservedShares = 0;
        for (Resting r : resting.values()) {
            if (r.side == Side.BUY) {
                reservedCash += (long) r.price * r.remaining;
            } else {
                reservedShares += r.remaining;
            }
        }
        long accountsReservedCash = 0;
        long accountsReservedShares = 0;
        for (int t = 0; t < accounts.traders(); t++) {
            accountsReservedCash += accounts.reservedCash(t);
            accountsReservedShares += accounts.reservedShares(t);
        }
        Map<String, Boolean> checks = new LinkedHashMap<>();
        checks.put("cash_conserved", accounts.totalCash() == cashAtStart);
        checks.put("shares_conserved", accounts.totalShares() == sharesAtStart);
        checks.put("no_negative_balance", accounts.firstNegative() < 0);
        checks.put("book_never_crossed", !everCrossed && (bestBid() == 0 || bestAsk() == 0 || bestBid() < bestAsk()));
        checks.put("every_fill_has_its_counter_fill", !everUnpaired);
        checks.put("reserves_match_the_book", reservedCash == accountsReservedCash && reservedShares == accountsReservedShares);
        return checks;
    }
}
