package dev.backendpatterns.benchmarks;

/** One filter built for a comparison: add, query, its size, and the false-positive rate its own design predicts. */
interface FilterUnderTest {
    void add(long key);

    boolean mayContain(long key);

    long bits();

    /** What the filter keeps on the heap, for JOL to measure (its object graph, bit array included). */
    Object structure();

    double expectedFalsePositiveRate(long keys);

    /**
     * How many of {@code probes} the filter may contain. Each filter has its own copy of this loop (a lambda per filter
     * in {@link Filters#build}, Guava's in {@link GuavaFilter}), so that the JIT profiles and inlines each filter's
     * query at its own call site, as in a JVM that holds only that filter.
     */
    int countPresent(long[] probes);
}
