package dev.backendpatterns.common.messaging;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A set of message indexes as a bit per message, in chunks allocated as indexes arrive, safe for concurrent adds
 * without a lock: one bit per message keeps the tracker small at millions of messages per run.
 */
public final class MessageBits {
    private static final int CHUNK_BITS_LOG2 = 18; // 256 Ki messages, 32 KiB per chunk
    private static final int WORDS_PER_CHUNK = (1 << CHUNK_BITS_LOG2) / 64;

    private volatile AtomicLongArray[] chunks = new AtomicLongArray[16];

    /** Adds {@code index}; true if it was not there yet. */
    public boolean add(long index) {
        AtomicLongArray chunk = chunk(index >>> CHUNK_BITS_LOG2);
        int word = (int) ((index >>> 6) & (WORDS_PER_CHUNK - 1));
        long mask = 1L << (index & 63);
        long old;
        do {
            old = chunk.get(word);
            if ((old & mask) != 0) {
                return false;
            }
        } while (!chunk.compareAndSet(word, old, old | mask));
        return true;
    }

    public boolean contains(long index) {
        int c = (int) (index >>> CHUNK_BITS_LOG2);
        AtomicLongArray[] all = chunks;
        if (c >= all.length || all[c] == null) {
            return false;
        }
        return (all[c].get((int) ((index >>> 6) & (WORDS_PER_CHUNK - 1))) & (1L << (index & 63))) != 0;
    }

    /** How many indexes this set and {@code other} both hold. */
    public long countCommon(MessageBits other) {
        AtomicLongArray[] mine = chunks;
        AtomicLongArray[] theirs = other.chunks;
        long count = 0;
        for (int c = 0; c < Math.min(mine.length, theirs.length); c++) {
            if (mine[c] == null || theirs[c] == null) {
                continue;
            }
            for (int w = 0; w < WORDS_PER_CHUNK; w++) {
                count += Long.bitCount(mine[c].get(w) & theirs[c].get(w));
            }
        }
        return count;
    }

    private AtomicLongArray chunk(long c) {
        if (c > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("message index out of range");
        }
        AtomicLongArray[] all = chunks;
        if (c < all.length && all[(int) c] != null) {
            return all[(int) c];
        }
        synchronized (this) {
            all = chunks;
            if (c >= all.length) {
                all = Arrays.copyOf(all, (int) Math.max(c + 1, all.length * 2L));
            }
            if (all[(int) c] == null) {
                all[(int) c] = new AtomicLongArray(WORDS_PER_CHUNK);
            }
            chunks = all;
            return all[(int) c];
        }
    }
}
