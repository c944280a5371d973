package dev.backendpatterns.pubsub.exchange;

/** Open, high, low, close and volume of the trades, over the whole run and over the current interval. */
final class Ohlc {
    /** A copy of the figures: for the whole run, and for the interval since the last reset. */
    record Snapshot(int open, int high, int low, int close, long volume, int intervalOpen, int intervalHigh, int intervalLow,
            long intervalVolume) {
    }

    private final int open;
    private int high;
    private int low;
    private int close;
    private long volume;
    private int intervalOpen;
    private int intervalHigh;
    private int intervalLow;
    private long intervalVolume;

    Ohlc(int openingPrice) {
        this.open = openingPrice;
        this.high = openingPrice;
        this.low = openingPrice;
        this.close = openingPrice;
        this.intervalOpen = openingPrice;
        this.intervalHigh = openingPrice;
        this.intervalLow = openingPrice;
    }

    void trade(int price, long quantity) {
        high = Math.max(high, price);
        low = Math.min(low, price);
        close = price;
        volume += quantity;
        intervalHigh = Math.max(intervalHigh, price);
        intervalLow = Math.min(intervalLow, price);
        intervalVolume += quantity;
    }

    Snapshot snapshot(boolean resetInterval) {
        Snapshot s = new Snapshot(open, high, low, close, volume, intervalOpen, intervalHigh, intervalLow, intervalVolume);
        if (resetInterval) {
            intervalOpen = close;
            intervalHigh = close;
            intervalLow = close;
            intervalVolume = 0;
        }
        return s;
    }
}
