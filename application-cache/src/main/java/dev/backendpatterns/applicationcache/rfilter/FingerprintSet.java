package dev.backendpatterns.applicationcache.rfilter;

import dev.backendpatterns.common.filter.KeyHash;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The reference's "R filter", kept in its meaning but not in its trie: a key is present when its {@code length}-character
 * base-62 fingerprint (its hash reduced modulo 62^length) was inserted. The reference stored each fingerprint as a
 * path of a 62-ary trie (55 GB for 5 million keys); here the fingerprints, as numbers below 62^length, sit in one
 * open-addressing hash table of longs, sized up front for the keys the run will insert, and filled without a lock.
 * False positives are fingerprint collisions: about n / 62^length.
 */
final class FingerprintSet implements KeyFilter {
    private static final VarHandle SLOTS = MethodHandles.arrayElementVarHandle(long[].class);
    private static final double MAX_LOAD = 0.6;
    private static final long MAX_SLOTS = 1L << 30;

    private final KeyHash hash;
    private final int length;
    private final long space;
    private final long[] slots; // fingerprint + 1; 0 = empty
    private final int mask;

    FingerprintSet(int length, long expectedKeys, KeyHash hash) {
        if (length < 1 || length > 10) {
            throw new IllegalArgumentException("--length must be between 1 and 10 (62^10 fingerprints fit in 64 bits), was " + length);
        }
        this.hash = hash;
        this.length = length;
        long s = 1;
        for (int i = 0; i < length; i++) {
            s *= 62;
        }
        this.space = s;
        long capacity = capacityFor(expectedKeys);
        if (capacity > MAX_SLOTS) {
            throw new IllegalArgumentException("an R filter for " + expectedKeys + " keys would need " + capacity
                    + " slots; it holds at most " + (long) (MAX_SLOTS * MAX_LOAD) + " keys");
        }
        this.slots = new long[(int) capacity];
        this.mask = (int) capacity - 1;
    }

    /** The slots, a power of two, that keep {@code expectedKeys} fingerprints at a load of at most 0.6. */
    private static long capacityFor(long expectedKeys) {
        long keys = Math.min(Math.max(16, expectedKeys), 1L << 50); // far beyond any heap, and no overflow below
        return Long.highestOneBit((long) Math.ceil(keys / MAX_LOAD) - 1) << 1;
    }

    /** What {@link #memoryBytes()} will be for a set sized for {@code expectedKeys}, known before it is allocated. */
    static long memoryBytesFor(long expectedKeys) {
        return 16 + 8 * capacityFor(expectedKeys);
    }

    /** The key's fingerprint, a number below 62^length (its base-62 digits are the reference's string). */
    long fingerprint(String key) {
        return Long.remainderUnsigned(hash.hash(key), space);
    }

    @Override
    public void add(String key) {
        long value = fingerprint(key) + 1;
        int i = spread(value);
        for (int probes = 0; probes <= mask; probes++, i = (i + 1) & mask) {
            long current = (long) SLOTS.getVolatile(slots, i);
            if (current == value) {
                return;
            }
            if (current == 0 && SLOTS.compareAndSet(slots, i, 0L, value)) {
                return;
            }
            if ((long) SLOTS.getVolatile(slots, i) == value) {
                return;
            }
        }
        throw new IllegalStateException("the R filter is full: more keys than the " + (long) (slots.length * MAX_LOAD) + " it was sized for");
    }

    @Override
    public boolean mightContain(String key) {
        long value = fingerprint(key) + 1;
        int i = spread(value);
        for (int probes = 0; probes <= mask; probes++, i = (i + 1) & mask) {
            long current = (long) SLOTS.getAcquire(slots, i);
            if (current == value) {
                return true;
            }
            if (current == 0) {
                return false;
            }
        }
        return false;
    }

    private int spread(long value) {
        long x = value * 0x9E3779B97F4A7C15L;
        return (int) (x >>> 33) & mask;
    }

    @Override
    public long memoryBytes() {
        return 16 + 8L * slots.length;
    }

    /** The chance that an absent key's fingerprint equals one of {@code keys} inserted ones: 1 - (1 - 62^-length)^keys. */
    @Override
    public double expectedFalsePositiveRate(long keys) {
        return -Math.expm1(keys * Math.log1p(-1.0 / space));
    }

    @Override
    public Map<String, Object> shape() {
        Map<String, Object> shape = new LinkedHashMap<>();
        shape.put("length", length);
        shape.put("fingerprints", space);
        shape.put("slots", slots.length);
        shape.put("hash", hash.id());
        return shape;
    }
}
