package dev.backendpatterns.common.filter;

import com.google.common.hash.BloomFilter;
import com.google.common.hash.Funnel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;

/**
 * Guava's {@code BloomFilter}, the baseline a Java user picks, sized to get about {@code bits} bits for the keys a run
 * will insert (Guava takes m = -n ln p / (ln 2)^2 bits and chooses k from p itself); Guava keeps m and k to itself, so
 * they are read from the head of its serialised form (strategy, k, word count).
 */
public final class GuavaBloom<T> {
    private final BloomFilter<T> filter;
    private final long bits;
    private final int k;

    public GuavaBloom(Funnel<? super T> funnel, long expectedKeys, long bits) {
        long n = Math.max(1, expectedKeys);
        double p = Math.exp(-(double) bits * Math.log(2) * Math.log(2) / n);
        this.filter = BloomFilter.create(funnel, n, Math.min(0.5, Math.max(p, 1e-12)));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            filter.writeTo(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ByteBuffer header = ByteBuffer.wrap(out.toByteArray(), 0, 6);
        header.get();
        this.k = Byte.toUnsignedInt(header.get());
        this.bits = 64L * header.getInt();
    }

    public void add(T key) {
        filter.put(key);
    }

    public boolean mightContain(T key) {
        return filter.mightContain(key);
    }

    public long bits() {
        return bits;
    }

    public int hashFunctions() {
        return k;
    }

    /** Its {@code AtomicLongArray} of bits / 64 longs, array header included. */
    public long memoryBytes() {
        return 16 + bits / 8;
    }

    /** (1 - e^(-kn/m))^k. */
    public double expectedFalsePositiveRate(long keys) {
        return Math.pow(1 - Math.exp(-(double) k * keys / bits), k);
    }
}
