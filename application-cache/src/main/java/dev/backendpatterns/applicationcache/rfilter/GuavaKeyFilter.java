package dev.backendpatterns.applicationcache.rfilter;

import com.google.common.hash.Funnels;
import dev.backendpatterns.common.filter.GuavaBloom;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** Guava's BloomFilter of text keys, sized for about the same bits as the suite's, hashing with its own MurmurHash3. */
final class GuavaKeyFilter implements KeyFilter {
    private final GuavaBloom<CharSequence> filter;

    GuavaKeyFilter(long expectedKeys, long bits) {
        this.filter = new GuavaBloom<>(Funnels.stringFunnel(StandardCharsets.UTF_8), expectedKeys, bits);
    }

    @Override
    public void add(String key) {
        filter.add(key);
    }

    @Override
    public boolean mightContain(String key) {
        return filter.mightContain(key);
    }

    @Override
    public long memoryBytes() {
        return filter.memoryBytes();
    }

    @Override
    public double expectedFalsePositiveRate(long keys) {
        return filter.expectedFalsePositiveRate(keys);
    }

    @Override
    public Map<String, Object> shape() {
        Map<String, Object> shape = new LinkedHashMap<>();
        shape.put("bits", filter.bits());
        shape.put("positions", filter.hashFunctions());
        shape.put("hash", "murmur3_128 (guava)");
        return shape;
    }
}
