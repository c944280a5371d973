package dev.backendpatterns.benchmarks;

/** One filter built for a comparison: add, query, its size, and the false-positive rate its own design predicts. */
interface FilterUnderTest {
    void add(long key);

    boolean mayContain(long key);

    long bits();

    /** What the filter keeps on the heap, for JOL to measure (its object graph, bit array included). */
    Object structure();

    double expectedFalsePositiveRate(long keys);
}
