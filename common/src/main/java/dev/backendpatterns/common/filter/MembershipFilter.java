package dev.backendpatterns.common.filter;

/**
 * A set that may answer "maybe" for what it never held, but never "no" for what it did, fed with 64-bit hashes of the
 * keys (see {@link KeyHash}). Adds and queries may run on many threads at once, without a lock: a query that
 * happens after an add (in the Java memory model's sense) sees it.
 */
public interface MembershipFilter {

    /** Adds the key of this 64-bit hash. */
    void add(long hash);

    /** False only if no key of this hash was added; true if one was, or by a false positive. */
    boolean mightContain(long hash);

    /** Bits of the filter, m. */
    long bits();

    /** Bits set per key, k. */
    int hashFunctions();

    /** The memory the filter's data takes on the heap, in bytes (array header included). */
    long memoryBytes();

    /** The false-positive rate the filter's design predicts after {@code keys} distinct keys were added. */
    double expectedFalsePositiveRate(long keys);
}
