package dev.backendpatterns.pubsub.exchange;

import java.util.Arrays;

/**
 * What every trader owns, kept by the exchange alone (its matching engine is their one writer): cash and shares free to
 * use, and cash and shares reserved by resting orders. A limit buy reserves price x quantity; a limit sell reserves its
 * shares; a fill moves them between the two traders. Totals never change: that is an invariant the run checks.
 */
final class Accounts {
    private final long[] cash;
    private final long[] shares;
    private final long[] reservedCash;
    private final long[] reservedShares;

    Accounts(int traders, long cashEach, long sharesEach) {
        cash = new long[traders];
        shares = new long[traders];
        reservedCash = new long[traders];
        reservedShares = new long[traders];
        Arrays.fill(cash, cashEach);
        Arrays.fill(shares, sharesEach);
    }

    int traders() {
        return cash.length;
    }

    void give(int trader, long moreCash, long moreShares) {
        cash[trader] += moreCash;
        shares[trader] += moreShares;
    }

    long cash(int trader) {
        return cash[trader];
    }

    long shares(int trader) {
        return shares[trader];
    }

    long reservedCash(int trader) {
        return reservedCash[trader];
    }

    long reservedShares(int trader) {
        return reservedShares[trader];
    }

    /** Reserves what a resting order of {@code side} needs; false (and nothing reserved) if the trader lacks it. */
    boolean reserve(int trader, Side side, int price, int quantity) {
        if (side == Side.BUY) {
            long cost = (long) price * quantity;
            if (cash[trader] < cost) {
                return false;
            }
            cash[trader] -= cost;
            reservedCash[trader] += cost;
        } else {
            if (shares[trader] < quantity) {
                return false;
            }
            shares[trader] -= quantity;
            reservedShares[trader] += quantity;
        }
        return true;
    }

    /** Gives back what a resting order reserved for {@code quantity} at {@code price} (it was cancelled or cut). */
    void release(int trader, Side side, int price, int quantity) {
        if (side == Side.BUY) {
            long cost = (long) price * quantity;
            reservedCash[trader] -= cost;
            cash[trader] += cost;
        } else {
            reservedShares[trader] -= quantity;
            shares[trader] += quantity;
        }
    }

    /**
     * Settles a trade: {@code quantity} shares at {@code price} from seller to buyer. Each side pays from its reserve if
     * its order was resting ({@code buyerResting}, {@code sellerResting}), else from what it holds freely.
     */
    void settle(int buyer, boolean buyerResting, int buyerLimit, int seller, boolean sellerResting, int price, int quantity) {
        long value = (long) price * quantity;
        if (buyerResting) {
            reservedCash[buyer] -= (long) buyerLimit * quantity; // reserved at its own limit...
            cash[buyer] += (long) (buyerLimit - price) * quantity; // ...and pays the trade's price
        } else {
            cash[buyer] -= value;
        }
        shares[buyer] += quantity;
        if (sellerResting) {
            reservedShares[seller] -= quantity;
        } else {
            shares[seller] -= quantity;
        }
        cash[seller] += value;
    }

    long totalCash() {
        long sum = 0;
        for (int t = 0; t < cash.length; t++) {
            sum += cash[t] + reservedCash[t];
        }
        return sum;
    }

    long totalShares() {
        long sum = 0;
        for (int t = 0; t < shares.length; t++) {
            sum += shares[t] + reservedShares[t];
        }
        return sum;
    }

    /** The first trader with a negative balance, or -1. */
    int firstNegative() {
        for (int t = 0; t < cash.length; t++) {
            if (cash[t] < 0 || shares[t] < 0 || reservedCash[t] < 0 || reservedShares[t] < 0) {
                return t;
            }
        }
        return -1;
    }
}
