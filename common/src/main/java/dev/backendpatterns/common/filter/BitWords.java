package dev.backendpatterns.common.filter;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The bit array of the filters: a {@code long[]} whose bits only ever go from 0 to 1. A bit is set with an atomic OR
 * (a volatile write), and only when a plain read finds it clear, so concurrent adds lose nothing and adds of keys
 * already present write nothing; queries read plainly, which is safe since no bit is ever cleared.
 */
final class BitWords {
    private static final VarHandle WORDS = MethodHandles.arrayElementVarHandle(long[].class);
    /** The largest filter: as many words as an array may hold, 64 bits each. */
    static final long MAX_BITS = (Integer.MAX_VALUE - 8L) * 64;

    private BitWords() {
    }

    static void set(long[] words, int word, long mask) {
        if ((words[word] & mask) != mask) {
            WORDS.getAndBitwiseOr(words, word, mask);
        }
    }

    /** Lemire's multiply-shift: maps a 32-bit hash onto [0, n) without a division. */
    static int reduce(int hash, int n) {
        return (int) (((hash & 0xffffffffL) * n) >>> 32);
    }

    /** The bytes a {@code long[]} of {@code length} takes on the heap: 16 of header, 8 per element. */
    static long arrayBytes(int length) {
        return 16 + 8L * length;
    }

    /** A copy of the words, read with acquire semantics so that it holds every add that happened before it. */
    static long[] snapshot(long[] words) {
        long[] copy = new long[words.length];
        for (int i = 0; i < words.length; i++) {
            copy[i] = (long) WORDS.getAcquire(words, i);
        }
        return copy;
    }
}
