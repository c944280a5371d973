package dev.backendpatterns.pubsub.broker;

import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;

/**
 * Where a pattern publishes and subscribes, as OpenMessaging Benchmark's drivers are: Redis sharded pub/sub or Kafka
 * topics behind one small interface. Channels are named by the pattern ({@code score_channel7}); each broker maps them
 * to its own names under the run's prefix.
 */
public interface Broker extends AutoCloseable {

    /**
     * Publishes {@code payload} on {@code channel}; completes when the broker took it (Redis answered the SPUBLISH; Kafka
     * acknowledged the record with acks=all), with the client's own answer, which means nothing to the caller: no
     * stage is added only to drop it (each costs the dispatcher an allocation and a completion per message). Called
     * from the load runner's one dispatcher thread; never blocks it.
     */
    CompletionStage<?> publish(String channel, byte[] payload);

    /** Sends what {@link #publish} buffered. */
    void flush();

    /**
     * A way to publish from another thread than the dispatcher's (a matching engine answering on its own thread):
     * each call is sent at once.
     */
    Publisher publisher();

    /** Publishes from any thread, each message sent at once. */
    @FunctionalInterface
    interface Publisher {
        CompletionStage<?> publish(String channel, byte[] payload);
    }

    /**
     * Subscribes {@code handler} to {@code channel} and returns once the subscription is in place; messages arrive on
     * the broker client's threads, with the channel's name. Every subscription gets every message of its channel (on
     * Kafka, each is a consumer group of its own).
     */
    void subscribe(String channel, BiConsumer<String, byte[]> handler);

    /** What the broker guarantees a subscriber: "at most once" (Redis pub/sub) or "at least once" (Kafka). */
    String delivery();

    /** Stops the subscriptions and the clients (the servers belong to the run's backends). */
    @Override
    void close();
}
