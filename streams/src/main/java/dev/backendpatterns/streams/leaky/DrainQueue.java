package dev.backendpatterns.streams.leaky;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.LongConsumer;

/**
 * The broker side of a leaky bucket: a queue that publishers append to and a group of consumers takes from, one entry
 * at a time, acknowledging it or not. An entry not acknowledged comes back (Redis: it stays pending and another consumer
 * claims it once idle; Kafka: it is republished to a retry topic). Implementations: {@link RedisDrainQueue},
 * {@link KafkaDrainQueue}.
 */
interface DrainQueue extends AutoCloseable {

    /** Appends an entry; completes once the broker acknowledged it. */
    CompletionStage<Void> publish(long sequence, byte[] payload);

    /** Sends what {@link #publish} buffered. */
    void flush();

    /**
     * Consumer {@code consumer} takes one entry (an idle pending one first, when {@code claim} and the broker has them,
     * otherwise a new one), decides with {@code verdict}, and acknowledges, republishes or leaves it accordingly;
     * completes with what was taken, or null when there was nothing to take.
     */
    CompletionStage<Taken> take(int consumer, boolean claim, Function<Delivery, Verdict> verdict);

    /** Whether {@link #take}'s claim does anything (Redis) or redelivery goes another way (Kafka's retry topic). */
    boolean claims();

    /**
     * Stops {@code consumer} abruptly, as a crash would: it takes nothing more and releases nothing. Completes with what
     * it held (entries delivered to it and not acknowledged, or the partitions it owned).
     */
    CompletionStage<Held> stop(int consumer);

    /** Hands each of our entries still in the broker (read or not) to {@code sequences}, by its sequence; at the end. */
    void remaining(LongConsumer sequences);

    /** How an unacknowledged entry comes back, in one line. */
    String redelivery();

    /**
     * Waits until every consumer can take (a Kafka group has given out its partitions), at most {@code limit}; the
     * burst and the drain come after, so no consumer is still joining while the others drain. Nothing to wait for by
     * default.
     *
     * @throws IllegalStateException when the consumers are not ready within {@code limit}
     */
    default void awaitConsumers(Duration limit) {
    }

    /** Failures the queue recovered from without losing an entry (a commit or a republish to retry), by name. */
    default Map<String, Long> failures() {
        return Map.of();
    }

    /** Deletes what this run created (its stream or topics). */
    void delete();

    @Override
    void close();

    /** What a consumer does with an entry it took. */
    enum Verdict {
        /** Processed: acknowledge it. */
        ACK,
        /** Failed: leave it to come back. */
        NACK,
        /** Not an entry of ours: acknowledge it and count it as malformed. */
        SKIP
    }

    /** An entry handed to {@code consumer}: its shard (stream or partition), id there, and payload; claimed if it was pending. */
    record Delivery(int consumer, int shard, String id, byte[] payload, boolean claimed) {
    }

    /** An entry taken, and what became of it. */
    record Taken(Delivery delivery, Verdict verdict) {
    }

    /**
     * What a stopped consumer held: entry ids delivered to it and not acknowledged (Redis's pending entries, Kafka's
     * record in process) and the shards it owned (Kafka's partitions); {@code inProcess} is the entry it read just
     * before the crash, or null when there was none to read.
     */
    record Held(Set<String> ids, Set<Integer> shards, Delivery inProcess) {
        public Held {
            ids = Set.copyOf(ids);
            shards = Set.copyOf(shards);
        }

        boolean covers(Delivery delivery) {
            return ids.contains(delivery.id()) || shards.contains(delivery.shard());
        }
    }
}
