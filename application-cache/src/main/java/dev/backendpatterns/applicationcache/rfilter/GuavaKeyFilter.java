package dev.backendpatterns.applicationcache.rfilter;

import com.google.common.hash.BloomFilter;
import com.google.common.hash.Funnels;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Guava's {@code BloomFilter}, the baseline a Java user picks: sized so that it gets about the same bits as the
 * suite's filters for the keys the run will insert (Guava chooses its own number of hash functions from the target
 * rate), hashing each key with its own 128-bit MurmurHash3.
 */
final class GuavaKeyFilter implements KeyFilter {
    private final BloomFilter<CharSequence> filter;
    private final long bits;
    private final int k;

    GuavaKeyFilter(long expectedKeys, long bits) {
        long n = Math.max(1, expectedKeys);
        // Guava takes m = -n ln p / (ln 2)^2 bits: the p that gives these bits for n keys
        double p = Math.exp(-(double) bits * Math.log(2) * Math.log(2) / n);
        this.filter = BloomFilter.create(Funnels.stringFunnel(StandardCharsets.UTF_8), n, Math.min(0.5, Math.max(p, 1e-12)));
        // Guava keeps its size and k to itself; its serialised form says: strategy byte, k byte, word count, words
        ByteBuffer header = ByteBuffer.wrap(serialized(), 0, 6);
        header.get();
        this.k = Byte.toUnsignedInt(header.get());
        this.bits = 64L * header.getInt();
    }

    private byte[] serialized() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            filter.writeTo(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    @Override
    public void add(String key) {
        filter.put(key);
    }

    @Override
    public boolean mightContain(String key) {
        return filter.mightContain(key);
    }

    /** An {@code AtomicLongArray} of bits/64 longs, as Guava holds it (array header included). */
    @Override
    public long memoryBytes() {
        return 16 + bits / 8;
    }

    @Override
    public double expectedFalsePositiveRate(long keys) {
        return Math.pow(1 - Math.exp(-(double) k * keys / bits), k);
    }

    @Override
    public Map<String, Object> shape() {
        Map<String, Object> shape = new LinkedHashMap<>();
        shape.put("bits", bits);
        shape.put("positions", k);
        shape.put("hash", "murmur3_128 (guava)");
        return shape;
    }
}
