package dev.backendpatterns.pubsub.exchange;

/** The current price, in ticks, as published on the price channel after trades moved it. */
record PriceUpdate(int price, String stamp) {
}
