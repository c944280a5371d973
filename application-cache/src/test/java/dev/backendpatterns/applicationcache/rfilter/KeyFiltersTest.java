package dev.backendpatterns.applicationcache.rfilter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backendpatterns.common.filter.KeyHash;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

class KeyFiltersTest {
    private static final int KEYS = 50_000;
    private static final int PROBES = 500_000;

    private static String present(long i) {
        return Long.toString(1_700_000_000_000_000L + i);
    }

    private static String absent(long i) {
        return Long.toString(1_800_000_000_000_000L + i);
    }

    @ParameterizedTest
    @EnumSource(value = FilterAlgorithm.class, names = {"BLOOM_FILTER", "BLOCKED_BLOOM", "R_FILTER", "GUAVA"})
    void noFalseNegativeAndFalsePositivesWithinTheFormulasBound(FilterAlgorithm algorithm) {
        // a small filter, so that false positives are frequent enough to measure: 8 bits per key, or 4-character fingerprints
        KeyFilter filter = algorithm.create(8L * KEYS, 6, 4, KeyHash.XX, KEYS);
        for (int i = 0; i < KEYS; i++) {
            filter.add(present(i));
        }
        for (int i = 0; i < KEYS; i++) {
            assertTrue(filter.mightContain(present(i)), algorithm + ": false negative");
        }
        long fp = 0;
        for (int i = 0; i < PROBES; i++) {
            fp += filter.mightContain(absent(i)) ? 1 : 0;
        }
        double measured = (double) fp / PROBES;
        double expected = filter.expectedFalsePositiveRate(KEYS);
        double sigma = Math.sqrt(expected * (1 - expected) / PROBES);
        assertTrue(Math.abs(measured - expected) < 5 * sigma + 0.05 * expected,
                algorithm + ": measured " + measured + ", formula " + expected);
    }

    @ParameterizedTest
    @EnumSource(value = FilterAlgorithm.class, names = {"BLOOM_FILTER", "BLOCKED_BLOOM", "R_FILTER", "GUAVA"})
    void concurrentAddsLoseNothing(FilterAlgorithm algorithm) throws Exception {
        KeyFilter filter = algorithm.create(10L * 4 * KEYS, 7, 7, KeyHash.FARM, 4L * KEYS);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<?>> adders = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int offset = t * KEYS;
            adders.add(pool.submit(() -> {
                for (int i = 0; i < KEYS; i++) {
                    filter.add(present(offset + i));
                }
            }));
        }
        for (Future<?> adder : adders) {
            adder.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();
        for (int i = 0; i < 4 * KEYS; i++) {
            assertTrue(filter.mightContain(present(i)), algorithm + ": lost " + i);
        }
    }

    @Test
    void guavaGetsAboutTheBitsAskedFor() {
        KeyFilter guava = FilterAlgorithm.GUAVA.create(1_000_000, 6, 6, KeyHash.XX, 100_000);
        long bits = (Long) guava.shape().get("bits");
        assertTrue(Math.abs(bits - 1_000_000) < 10_000, "Guava took " + bits + " bits");
    }

    @Test
    void theRFilterKeepsFingerprintsNotATrie() {
        FingerprintSet r = new FingerprintSet(7, 1_000_000, KeyHash.XX);
        assertTrue(r.memoryBytes() < 30L << 20, "about 17 bytes per key for a million keys, not gigabytes: " + r.memoryBytes());
        assertTrue(r.fingerprint("x") < 3_521_614_606_208L, "below 62^7");
        assertThrows(IllegalArgumentException.class, () -> new FingerprintSet(11, 10, KeyHash.XX));
        assertEquals(FilterAlgorithm.BLOOM_FILTER, FilterAlgorithm.parse("bloom"));
        assertThrows(IllegalArgumentException.class, () -> FilterAlgorithm.parse("cuckoo"));
    }
}
