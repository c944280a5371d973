package dev.backendpatterns.applicationcache.rfilter;

import java.util.Map;

/**
 * What stands in front of the store: a structure that answers, for a text key, "surely absent" or "maybe present".
 * Adds and queries may run on many threads at once.
 */
interface KeyFilter {

    void add(String key);

    /** False only if the key was never added (or by design, for the filters that are not exact). */
    boolean mightContain(String key);

    /** The heap the structure's data takes, in bytes. */
    long memoryBytes();

    /** The false-positive rate the structure's design predicts after {@code keys} distinct keys. */
    double expectedFalsePositiveRate(long keys);

    /** Its size parameters for the result (bits and positions, or fingerprint length), under their JSON names. */
    Map<String, Object> shape();
}
