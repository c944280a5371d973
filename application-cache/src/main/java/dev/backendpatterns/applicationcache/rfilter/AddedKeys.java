package dev.backendpatterns.applicationcache.rfilter;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Which keys (by index) have been added to the filter: the ground truth a query's answer is judged against. Set after
 * the add, read before the query, both with volatile semantics, so a key seen here was in the filter for the query.
 */
final class AddedKeys {
    private final AtomicLongArray words;

    AddedKeys(long capacity) {
        this.words = new AtomicLongArray((int) ((capacity + 63) >>> 6));
    }

    /** The heap a set for {@code capacity} keys takes: one bit per key. */
    static long memoryBytesFor(long capacity) {
        return 16 + ((Math.min(capacity, 1L << 56) + 63) >>> 6) * 8;
    }

    void set(long index) {
        int word = (int) (index >>> 6);
        long mask = 1L << index;
        long old;
        do {
            old = words.get(word);
        } while ((old & mask) == 0 && !words.compareAndSet(word, old, old | mask));
    }

    boolean contains(long index) {
        return (words.get((int) (index >>> 6)) & (1L << index)) != 0;
    }
}
