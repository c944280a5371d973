package dev.backendpatterns.applicationcache.rfilter;

import dev.backendpatterns.common.filter.BlockedBloomFilter;
import dev.backendpatterns.common.filter.BloomFilter;
import dev.backendpatterns.common.filter.KeyHash;
import dev.backendpatterns.common.cli.EnumNames;
import java.util.Locale;

/** What stands in front of the store in an r-filter run. */
enum FilterAlgorithm {
    /** The suite's classic Bloom filter: --bits, --position. */
    BLOOM_FILTER,
    /** The suite's cache-line-blocked Bloom filter: --bits, --position. */
    BLOCKED_BLOOM,
    /** The reference's R filter: --length-character base-62 fingerprints. */
    R_FILTER,
    /** Guava's BloomFilter, sized for about --bits. */
    GUAVA,
    /** No filter: every query goes to the store. */
    NONE;

    String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The filter for a run that will insert about {@code expectedKeys} keys, or null for {@link #NONE}. */
    KeyFilter create(long bits, int positions, int length, KeyHash hash, long expectedKeys) {
        return switch (this) {
            case BLOOM_FILTER -> new HashedKeyFilter(new BloomFilter(bits, positions), hash);
            case BLOCKED_BLOOM -> new HashedKeyFilter(new BlockedBloomFilter(bits, positions), hash);
            case R_FILTER -> new FingerprintSet(length, expectedKeys, hash);
            case GUAVA -> new GuavaKeyFilter(expectedKeys, bits);
            case NONE -> null;
        };
    }

    /**
     * About the heap the filter of {@link #create} will take, known before it is allocated, so that a run too large for
     * this JVM is refused up front instead of running out of memory.
     */
    long memoryBytesFor(long bits, long expectedKeys) {
        return switch (this) {
            case BLOOM_FILTER, BLOCKED_BLOOM, GUAVA -> bits / 8;
            case R_FILTER -> FingerprintSet.memoryBytesFor(expectedKeys);
            case NONE -> 0;
        };
    }

    static FilterAlgorithm parse(String name) {
        return name.trim().equalsIgnoreCase("bloom") ? BLOOM_FILTER
                : EnumNames.parse(FilterAlgorithm.class, name, FilterAlgorithm::id, "algorithm");
    }

    @Override
    public String toString() {
        return id();
    }
}
