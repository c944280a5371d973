package dev.backendpatterns.benchmarks;

import java.util.function.ToIntFunction;
import org.fastfilter.Filter;

/** One of FastFilter's filters (they can only be built from the whole key set), with its own formula;
 * {@code counter} is the filter's own query loop ({@link FilterUnderTest#countPresent}). */
record FastFilter(Filter filter, int k, boolean blocked, ToIntFunction<long[]> counter) implements FilterUnderTest {
    @Override
    public void add(long key) {
        filter.add(key);
    }

    @Override
    public boolean mayContain(long key) {
        return filter.mayContain(key);
    }

    @Override
    public long bits() {
        return filter.getBitCount();
    }

    @Override
    public Object structure() {
        return filter;
    }

    /**
     * Bloom: (1 - e^(-kn/m))^k. BlockedBloom sets 2 bits in each of two 64-bit words: every word takes a Poisson number
     * of keys (mean 128 n / m, as each key touches two words), so the rate is the square of the sum over i of
     * Poisson(i) (1 - (1 - 1/64)^(2i))^2.
     */
    @Override
    public double expectedFalsePositiveRate(long n) {
        double m = bits();
        if (!blocked) {
            return Math.pow(1 - Math.exp(-k * n / m), k);
        }
        double lambda = 128.0 * n / m;
        double poisson = Math.exp(-lambda);
        double word = 0;
        for (int i = 0; i < lambda + 12 * Math.sqrt(lambda) + 30; i++) {
            if (i > 0) {
                poisson *= lambda / i;
            }
            word += poisson * Math.pow(1 - Math.pow(1 - 1.0 / 64, 2.0 * i), 2);
        }
        return word * word;
    }

    @Override
    public int countPresent(long[] probes) {
        return counter.applyAsInt(probes);
    }
}
