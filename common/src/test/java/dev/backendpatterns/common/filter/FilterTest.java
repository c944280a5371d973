package dev.backendpatterns.common.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backendpatterns.common.testing.ConcurrentMembership;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class FilterTest {
    private static final int KEYS = 100_000;
    private static final int PROBES = 2_000_000;

    static Stream<Arguments> filters() {
        BiFunction<Long, Integer, MembershipFilter> bloom = BloomFilter::new;
        BiFunction<Long, Integer, MembershipFilter> blocked = BlockedBloomFilter::new;
        return Stream.of(Arguments.of("bloom", bloom), Arguments.of("blocked", blocked));
    }

    private static long key(long i) {
        return KeyHash.mix(i * 0x9E3779B97F4A7C15L + 12345);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("filters")
    void neverAFalseNegativeAndFalsePositivesAsTheFormulaSays(String name, BiFunction<Long, Integer, MembershipFilter> make) {
        // the optimal k at 6, 10 and 16 bits per key (capped at 10), and each k of the blocked filter's narrow layout
        int[][] shapes = {{6, 4}, {10, 7}, {16, 10}, {10, 4}, {10, 3}, {10, 2}, {4, 1}};
        for (int[] shape : shapes) {
            int bitsPerKey = shape[0];
            int k = shape[1];
            MembershipFilter filter = make.apply((long) KEYS * bitsPerKey, k);
            for (int i = 0; i < KEYS; i++) {
                filter.add(key(i));
            }
            for (int i = 0; i < KEYS; i++) {
                assertTrue(filter.mightContain(key(i)), name + ": false negative for key " + i);
            }
            long falsePositives = 0;
            for (long i = KEYS; i < KEYS + PROBES; i++) {
                falsePositives += filter.mightContain(key(i)) ? 1 : 0;
            }
            double measured = (double) falsePositives / PROBES;
            double expected = filter.expectedFalsePositiveRate(KEYS);
            double sigma = Math.sqrt(expected * (1 - expected) / PROBES);
            assertTrue(Math.abs(measured - expected) < 5 * sigma + 0.03 * expected,
                    name + " at " + bitsPerKey + " bits per key, k = " + k + ": measured " + measured + ", formula " + expected);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("filters")
    void memoryIsOneBitPerPosition(String name, BiFunction<Long, Integer, MembershipFilter> make) {
        long bits = 10_000_000;
        MembershipFilter filter = make.apply(bits, 7);
        assertTrue(filter.bits() >= bits && filter.bits() < bits + 512, name + ": " + filter.bits());
        assertTrue(Math.abs(filter.memoryBytes() - bits / 8.0) < 0.01 * bits / 8, name + ": " + filter.memoryBytes() + " bytes");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("filters")
    void concurrentAddsAndQueriesLoseNothing(String name, BiFunction<Long, Integer, MembershipFilter> make) throws Exception {
        MembershipFilter filter = make.apply(4L * 200_000 * 10, 7);
        ConcurrentMembership.assertNoKeyMissed(name, 4, 200_000, 300_000, i -> filter.add(key(i)), i -> filter.mightContain(key(i)));
    }

    @Test
    void aBlockedFilterWithTenPositionsKeepsToItsFormulaAtTwentyBitsPerKey() {
        // the keys are fixed, so the rate is the same every run: 1M keys and 20M probes give about 10,000 false
        // positives, 1% of noise; positions from the hash folded on itself (equal halves) measured 7.6% above the formula
        int keys = 1_000_000;
        BlockedBloomFilter filter = new BlockedBloomFilter(20L * keys, BlockedBloomFilter.MAX_POSITIONS);
        for (int i = 0; i < keys; i++) {
            filter.add(key(i));
        }
        long probes = 20_000_000;
        long falsePositives = 0;
        for (long i = keys; i < keys + probes; i++) {
            falsePositives += filter.mightContain(key(i)) ? 1 : 0;
        }
        double ratio = (double) falsePositives / probes / filter.expectedFalsePositiveRate(keys);
        assertTrue(Math.abs(ratio - 1) < 0.04, "measured / formula = " + ratio);
    }

    @Test
    void aBlockedFilterPaysForItsSpeedInFalsePositives() {
        BloomFilter classic = new BloomFilter(1_000_000, 7);
        BlockedBloomFilter blocked = new BlockedBloomFilter(1_000_000, 7);
        assertTrue(blocked.expectedFalsePositiveRate(100_000) > classic.expectedFalsePositiveRate(100_000));
    }

    @Test
    void aSnapshotRebuildsTheSameFilter() {
        BloomFilter filter = new BloomFilter(100_000, 5);
        for (int i = 0; i < 5_000; i++) {
            filter.add(key(i));
        }
        BloomFilter copy = BloomFilter.fromWords(filter.snapshot(), 5);
        for (long i = 0; i < 50_000; i++) {
            assertEquals(filter.mightContain(key(i)), copy.mightContain(key(i)));
        }
    }

    @Test
    void nonsenseSizesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new BloomFilter(0, 3));
        assertThrows(IllegalArgumentException.class, () -> new BloomFilter(1000, 0));
        assertThrows(IllegalArgumentException.class, () -> new BlockedBloomFilter(1000, BlockedBloomFilter.MAX_POSITIONS + 1));
        assertThrows(IllegalArgumentException.class, () -> new BloomFilter(BitWords.MAX_BITS + 1, 3));
    }

    @Test
    void theHashesAreTheLibrariesOwn() {
        assertEquals(0xef46db3751d8e999L, KeyHash.XX.hash(new byte[0]), "XXH64 of nothing, seed 0");
        assertEquals(KeyHash.XX, KeyHash.parse("xxhash"));
        assertEquals(KeyHash.FARM, KeyHash.parse("farm"));
        assertFalse(KeyHash.MURMUR3.hash("a") == KeyHash.MURMUR3.hash("b"));
        assertThrows(IllegalArgumentException.class, () -> KeyHash.parse("md5"));
    }
}
