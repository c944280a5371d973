package dev.backendpatterns.pubsub.exchange;

/** Which side of the book an order is on. */
enum Side {
    BUY, SELL;

    Side opposite() {
        return this == BUY ? SELL : BUY;
    }
}
