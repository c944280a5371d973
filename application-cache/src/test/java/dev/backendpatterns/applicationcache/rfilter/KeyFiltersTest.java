package dev.backendpatterns.applicationcache.rfilter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backendpatterns.common.filter.KeyHash;
import dev.backendpatterns.common.testing.ConcurrentMembership;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
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
    void concurrentAddsAndQueriesLoseNothing(FilterAlgorithm algorithm) throws Exception {
        KeyFilter filter = algorithm.create(10L * 4 * KEYS, 7, 7, KeyHash.FARM, 4L * KEYS);
        ConcurrentMembership.assertNoKeyMissed(algorithm.id(), 4, KEYS, 4 * KEYS, i -> filter.add(present(i)),
                i -> filter.mightContain(present(i)));
    }

    @Test
    void twoWritersRacingForTheSlotsOfASmallRFilterLoseNoFingerprint() throws Exception {
        // 32 slots and 18 keys, in thousands of fresh sets: the writers keep landing on the same empty slot at once,
        // which a set that wrote without compare-and-set would lose a key to
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 5_000; round++) {
                FingerprintSet set = new FingerprintSet(10, 18, KeyHash.XX);
                CyclicBarrier start = new CyclicBarrier(2);
                long base = round * 18L;
                List<Future<?>> writers = new ArrayList<>();
                for (int t = 0; t < 2; t++) {
                    int writer = t;
                    writers.add(pool.submit(() -> {
                        start.await(10, TimeUnit.SECONDS);
                        for (int i = writer; i < 18; i += 2) {
                            set.add(present(base + i));
                        }
                        return null;
                    }));
                }
                for (Future<?> w : writers) {
                    w.get(10, TimeUnit.SECONDS);
                }
                for (int i = 0; i < 18; i++) {
                    assertTrue(set.mightContain(present(base + i)), "round " + round + " lost key " + i);
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void theMemoryARunWillNeedIsKnownBeforeTheFilterIsBuilt() {
        for (long keys : new long[] {1, 1_000, 123_457, 5_000_000}) {
            assertEquals(FilterAlgorithm.R_FILTER.memoryBytesFor(0, keys), new FingerprintSet(7, keys, KeyHash.XX).memoryBytes(),
                    keys + " keys");
            assertEquals(8 * 1024 * 1024, FilterAlgorithm.BLOOM_FILTER.memoryBytesFor(64L << 20, keys), "bits / 8");
        }
        // far beyond any heap, without overflowing into a small or negative figure
        assertTrue(FilterAlgorithm.R_FILTER.memoryBytesFor(0, Long.MAX_VALUE / 2) > 1L << 50);
        assertThrows(IllegalArgumentException.class, () -> new FingerprintSet(7, 1L << 30, KeyHash.XX));
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
