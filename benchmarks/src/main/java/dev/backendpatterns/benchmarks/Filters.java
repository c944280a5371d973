package dev.backendpatterns.benchmarks;

import dev.backendpatterns.common.filter.BlockedBloomFilter;
import dev.backendpatterns.common.filter.BloomFilter;
import dev.backendpatterns.common.filter.KeyHash;
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
        FilterUnderTest underTest = switch (this) {
            // Each filter's query loop is its own lambda, written out in full: a loop shared by two filters is profiled
            // for both (in one JVM, blocked_bloom_k4 sharing its loop with our other two ran at 0.49x FastFilter's
            // BlockedBloom, in a loop of its own at 0.84x), while one JMH fork or one application holds one filter.
            case BLOOM_FILTER -> {
                BloomFilter filter = new BloomFilter(bits, k);
                yield new SuiteFilter(filter, probes -> {
                    int present = 0;
                    for (long probe : probes) {
                        present += filter.mightContain(KeyHash.mix(probe)) ? 1 : 0;
                    }
                    return present;
                });
            }
            case BLOCKED_BLOOM -> {
                BlockedBloomFilter filter = new BlockedBloomFilter(bits, k);
                yield new SuiteFilter(filter, probes -> {
                    int present = 0;
                    for (long probe : probes) {
                        present += filter.mightContain(KeyHash.mix(probe)) ? 1 : 0;
                    }
                    return present;
                });
            }
            case BLOCKED_BLOOM_K4 -> {
                BlockedBloomFilter filter = new BlockedBloomFilter(bits, 4);
                yield new SuiteFilter(filter, probes -> {
                    int present = 0;
                    for (long probe : probes) {
                        present += filter.mightContain(KeyHash.mix(probe)) ? 1 : 0;
                    }
                    return present;
                });
            }
            case GUAVA -> new GuavaFilter(keys.length, bitsPerKey);
            case FASTFILTER_BLOOM -> {
                Bloom filter = Bloom.construct(keys, bitsPerKey);
                yield new FastFilter(filter, k, false, probes -> {
                    int present = 0;
                    for (long probe : probes) {
                        present += filter.mayContain(probe) ? 1 : 0;
                    }
                    return present;
                });
            }
            case FASTFILTER_BLOCKED_BLOOM -> {
                BlockedBloom filter = BlockedBloom.construct(keys, bitsPerKey);
                yield new FastFilter(filter, 4, true, probes -> {
                    int present = 0;
                    for (long probe : probes) {
                        present += filter.mayContain(probe) ? 1 : 0;
                    }
                    return present;
                });
            }
        };
        if (!(underTest instanceof FastFilter)) {
            for (long key : keys) {
                underTest.add(key);
            }
        }
        return underTest;
    }
}
