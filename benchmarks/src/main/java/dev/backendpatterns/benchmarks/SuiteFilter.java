package dev.backendpatterns.benchmarks;

import dev.backendpatterns.common.filter.KeyHash;
import dev.backendpatterns.common.filter.MembershipFilter;
import java.util.function.ToIntFunction;

/** One of the suite's filters; a key goes through MurmurHash3's finalizer first, the mixing FastFilter does inside.
 * {@code counter} is the filter's own query loop ({@link FilterUnderTest#countPresent}). */
record SuiteFilter(MembershipFilter filter, ToIntFunction<long[]> counter) implements FilterUnderTest {
    @Override
    public void add(long key) {
        filter.add(KeyHash.mix(key));
    }

    @Override
    public boolean mayContain(long key) {
        return filter.mightContain(KeyHash.mix(key));
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
        return counter.applyAsInt(probes);
    }
}
