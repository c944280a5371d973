package dev.backendpatterns.benchmarks;

import com.google.common.hash.BloomFilter;
import com.google.common.hash.Funnels;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;

/** Guava's BloomFilter of longs, sized for the same bits per key, called as a Java user calls it (boxed keys). */
final class GuavaFilter implements FilterUnderTest {
    private final BloomFilter<Long> filter;
    private final long bits;
    private final int k;

    GuavaFilter(long keys, int bitsPerKey) {
        // Guava takes m = -n ln p / (ln 2)^2 bits: the p that gives bitsPerKey bits per key
        double p = Math.exp(-bitsPerKey * Math.log(2) * Math.log(2));
        this.filter = BloomFilter.create(Funnels.longFunnel(), keys, p);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            filter.writeTo(out); // Guava keeps m and k to itself; its serial form starts: strategy, k, word count
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ByteBuffer header = ByteBuffer.wrap(out.toByteArray(), 0, 6);
        header.get();
        this.k = Byte.toUnsignedInt(header.get());
        this.bits = 64L * header.getInt();
    }

    @Override
    public void add(long key) {
        filter.put(key);
    }

    @Override
    public boolean mayContain(long key) {
        return filter.mightContain(key);
    }

    @Override
    public long bits() {
        return bits;
    }

    @Override
    public long memoryBytes() {
        return 16 + bits / 8;
    }

    @Override
    public double expectedFalsePositiveRate(long keys) {
        return Math.pow(1 - Math.exp(-(double) k * keys / bits), k);
    }
}
