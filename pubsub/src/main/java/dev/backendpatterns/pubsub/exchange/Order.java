package dev.backendpatterns.pubsub.exchange;

/**
 * An instruction to the exchange, as published on the order channel: a new limit or market order, an update of a
 * resting limit order (its price and quantity; it loses its place in time), or a cancel. {@code price} is in ticks,
 * 1 to 10,000 (0 for a market order or a cancel); {@code stamp} is the delivery tracker's.
 */
record Order(long id, int trader, Kind kind, Side side, int price, int quantity, String stamp) {
    enum Kind { LIMIT, MARKET, UPDATE, CANCEL }
}
