package dev.backendpatterns.benchmarks;

import dev.backendpatterns.common.filter.BlockedBloomFilter;
import dev.backendpatterns.common.filter.BloomFilter;
import java.util.Locale;
import org.fastfilter.bloom.BlockedBloom;
import org.fastfilter.bloom.Bloom;
import org.fastfilter.utils.Hash;

/** The filters compared, each built for the same 64-bit keys at the same bits per key. */
enum Filters {
    BLOOM_FILTER, BLOCKED_BLOOM,
    /** Ours at FastFilter's BlockedBloom's own trade: 4 bits per key, 2 in each of 2 words, for speed over precision. */
    BLOCKED_BLOOM_K4,
    GUAVA, FASTFILTER_BLOOM, FASTFILTER_BLOCKED_BLOOM;

    /** k = round(bits per key x ln 2), as FastFilter's Bloom and Guava choose it. */
    static int positions(int bitsPerKey) {
        return Math.max(1, (int) Math.round(bitsPerKey * Math.log(2)));
    }

    String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** A filter of this kind holding {@code keys}. */
    FilterUnderTest build(long[] keys, int bitsPerKey) {
        Hash.setSeed(1); // FastFilter draws a seed per filter: fixed, so that runs repeat
        long bits = (long) keys.length * bitsPerKey;
        int k = positions(bitsPerKey);
        FilterUnderTest filter = switch (this) {
            case BLOOM_FILTER -> new SuiteFilter(new BloomFilter(bits, k));
            case BLOCKED_BLOOM -> new SuiteFilter(new BlockedBloomFilter(bits, k));
            case BLOCKED_BLOOM_K4 -> new SuiteFilter(new BlockedBloomFilter(bits, 4));
            case GUAVA -> new GuavaFilter(keys.length, bitsPerKey);
            case FASTFILTER_BLOOM -> new FastFilter(Bloom.construct(keys, bitsPerKey), k, false);
            case FASTFILTER_BLOCKED_BLOOM -> new FastFilter(BlockedBloom.construct(keys, bitsPerKey), 4, true);
        };
        if (!(filter instanceof FastFilter)) {
            for (long key : keys) {
                filter.add(key);
            }
        }
        return filter;
    }
}
