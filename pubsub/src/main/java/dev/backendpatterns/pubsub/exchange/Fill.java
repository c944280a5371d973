package dev.backendpatterns.pubsub.exchange;

/**
 * One trade: {@code quantity} shares at {@code price} (the resting order's) from the seller to the buyer. Each trade is
 * recorded once for each side, with the same {@code trade} number, so that every fill has its counter-fill.
 */
record Fill(long trade, long order, int trader, Side side, int price, int quantity) {
}
