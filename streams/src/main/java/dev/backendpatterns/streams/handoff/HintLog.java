package dev.backendpatterns.streams.handoff;

import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * The durable log behind a hinted-handoff filter: every key the filter learns is appended to it, and a filter is rebuilt
 * by replaying it. The log is split in shards (Redis streams, Kafka partitions); a position is, per shard, the last entry
 * covered ({@code null}: none). Appends of one shard are acknowledged in order, so the last acknowledged entry of a shard
 * is a watermark: every entry of the shard up to it is acknowledged.
 */
interface HintLog extends AutoCloseable {

    int shards();

    /**
     * Appends {@code key}; completes once the log acknowledged it (durably, as far as the server promises), with where
     * it went. Completions of one shard come in the order of its entries, on one thread.
     */
    CompletionStage<Entry> append(String key);

    /**
     * Marks everything of the entry's shard up to {@code entry} as covered by the filter: called once the key is in the
     * filter (not before: a snapshot taken in between would claim an entry whose bits it lacks).
     */
    void covered(Entry entry);

    /** Where an append went: its shard, and its position there (a stream id, a partition offset). */
    record Entry(int shard, String position) {
    }

    /** Sends what {@link #append} buffered. */
    void flush();

    /** The watermark: per shard, the last entry such that it and everything before it are acknowledged and covered. */
    List<String> covered();

    /**
     * Reads every entry after {@code from} (per shard; null = from the start) to the end, handing each key on, and null
     * for an entry that holds no key (not written by us: a Kafka tombstone, a stream entry without the field); returns
     * how many keys.
     */
    long replay(List<String> from, Consumer<String> key);

    /** Stores a snapshot; returns its size in bytes. */
    long storeSnapshot(byte[] snapshot);

    /** The last stored snapshot, or null. */
    byte[] loadSnapshot();

    /** What the server does to keep an acknowledged entry over a crash, in one line; null when it keeps nothing. */
    String durability();

    /** Deletes the log and its snapshot (the name's own keys or topics). */
    void delete();

    @Override
    void close();
}
