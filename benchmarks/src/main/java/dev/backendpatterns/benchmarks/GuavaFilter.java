package dev.backendpatterns.benchmarks;

import com.google.common.hash.Funnels;
import dev.backendpatterns.common.filter.GuavaBloom;

/** Guava's BloomFilter of longs, sized for the same bits per key, called as a Java user calls it (boxed keys). */
final class GuavaFilter implements FilterUnderTest {
    private final GuavaBloom<Long> filter;

    GuavaFilter(long keys, int bitsPerKey) {
        this.filter = new GuavaBloom<>(Funnels.longFunnel(), keys, keys * bitsPerKey);
    }

    @Override
    public void add(long key) {
        filter.add(key);
    }

    @Override
    public boolean mayContain(long key) {
        return filter.mightContain(key);
    }

    @Override
    public long bits() {
        return filter.bits();
    }

    @Override
    public Object structure() {
        return filter;
    }

    @Override
    public double expectedFalsePositiveRate(long keys) {
        return filter.expectedFalsePositiveRate(keys);
    }

    @Override
    public int countPresent(long[] probes) {
        int present = 0;
        for (long probe : probes) {
            present += filter.mightContain(probe) ? 1 : 0;
        }
        return present;
    }
}
