package dev.backendpatterns.applicationcache.rfilter;

import dev.backendpatterns.common.load.Operation;
import java.util.SplittableRandom;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The reference's workload. Even requests read a new key's row, insert it, then add the key to the filter. Odd requests
 * ask the filter about a key (one already inserted, with probability {@code hitRatio}, otherwise one never inserted) and
 * go to the store only when it says "maybe"; each answer is judged against what was really added:
 *
 * <ul>
 *   <li>{@value #TRUE_POSITIVE}: "maybe", and the store has the row;</li>
 *   <li>{@value #FALSE_POSITIVE}: "maybe", and the store has no such row (a store read the filter should have saved);</li>
 *   <li>{@value #TRUE_NEGATIVE}: "absent", rightly (the store was not asked); without a filter, the store said so;</li>
 *   <li>{@value #FALSE_NEGATIVE}: "absent" for a key that was added: a filter must never say this.</li>
 * </ul>
 * Keys look like the reference's, microsecond timestamps as decimal text, unique to the run.
 */
final class FilterWorkload implements Operation {
    static final String INSERTED = "inserted";
    static final String TRUE_POSITIVE = "true_positive";
    static final String FALSE_POSITIVE = "false_positive";
    static final String TRUE_NEGATIVE = "true_negative";
    static final String FALSE_NEGATIVE = "false_negative";
    /** Absent keys are drawn this far above the run's base, far from any inserted key. */
    private static final long ABSENT_OFFSET = 1_000_000_000_000L;

    private final KeyFilter filter;
    private final TimestampStore store;
    private final AddedKeys added;
    private final double hitRatio;
    private final long base;
    private final SplittableRandom random;
    private final AtomicLong inserts = new AtomicLong();

    FilterWorkload(KeyFilter filter, TimestampStore store, long maxInserts, double hitRatio, long base, long seed) {
        this.filter = filter;
        this.store = store;
        this.added = new AddedKeys(maxInserts);
        this.hitRatio = hitRatio;
        this.base = base;
        this.random = new SplittableRandom(seed);
    }

    String presentKey(long index) {
        return Long.toString(base + index);
    }

    String absentKey(long n) {
        return Long.toString(base + ABSENT_OFFSET + n);
    }

    @Override
    public CompletionStage<String> start(long index) {
        if ((index & 1) == 0) {
            long j = inserts.getAndIncrement();
            String key = presentKey(j);
            return store.exists(key).thenCompose(found -> store.insert(key)).thenApply(done -> {
                if (filter != null) {
                    filter.add(key);
                }
                added.set(j);
                return INSERTED;
            });
        }
        long issued = inserts.get();
        String key;
        boolean present;
        if (issued > 0 && random.nextDouble() < hitRatio) {
            long j = random.nextLong(issued);
            key = presentKey(j);
            present = added.contains(j);
        } else {
            key = absentKey(index);
            present = false;
        }
        if (filter == null) {
            return store.exists(key).thenApply(found -> found ? TRUE_POSITIVE : TRUE_NEGATIVE);
        }
        if (!filter.mightContain(key)) {
            return Operation.local(present ? FALSE_NEGATIVE : TRUE_NEGATIVE);
        }
        return store.exists(key).thenApply(found -> found ? TRUE_POSITIVE : FALSE_POSITIVE);
    }

    /** Keys inserted and added to the filter. */
    long inserted() {
        return inserts.get();
    }

    /** The false-positive rate of the filter now, measured in memory on {@code probes} keys never inserted. */
    double probeFalsePositiveRate(int probes) {
        if (filter == null || probes == 0) {
            return Double.NaN;
        }
        long hits = 0;
        for (long i = 0; i < probes; i++) {
            hits += filter.mightContain(Long.toString(base + 2 * ABSENT_OFFSET + i)) ? 1 : 0;
        }
        return (double) hits / probes;
    }
}
