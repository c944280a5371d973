package dev.backendpatterns.ratelimiter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class KeyChooserTest {
    private static final int SAMPLES = 1_000_000;

    @Test
    void zipfFrequenciesFollowTheFormula() {
        int n = 100;
        double s = 0.99;
        KeyChooser chooser = new KeyChooser(n, KeyChooser.Distribution.ZIPF, s, 42);
        long[] counts = new long[n];
        for (int i = 0; i < SAMPLES; i++) {
            counts[chooser.next()]++;
        }
        double harmonic = 0;
        for (int k = 1; k <= n; k++) {
            harmonic += Math.pow(k, -s);
        }
        for (int rank : new int[] {1, 2, 3, 10, 50, 100}) {
            double expected = Math.pow(rank, -s) / harmonic;
            double seen = (double) counts[rank - 1] / SAMPLES;
            double sigma = Math.sqrt(expected * (1 - expected) / SAMPLES);
            assertTrue(Math.abs(seen - expected) < 5 * sigma, "rank " + rank + ": " + seen + " against " + expected);
        }
    }

    @Test
    void uniformSpreadsEvenlyAndASeedRepeatsTheSequence() {
        KeyChooser chooser = new KeyChooser(10, KeyChooser.Distribution.UNIFORM, 0, 7);
        long[] counts = new long[10];
        for (int i = 0; i < SAMPLES; i++) {
            counts[chooser.next()]++;
        }
        for (long c : counts) {
            assertTrue(Math.abs(c - SAMPLES / 10.0) < 5 * Math.sqrt(SAMPLES * 0.09), "count " + c);
        }
        KeyChooser a = new KeyChooser(1000, KeyChooser.Distribution.ZIPF, 1.2, 99);
        KeyChooser b = new KeyChooser(1000, KeyChooser.Distribution.ZIPF, 1.2, 99);
        for (int i = 0; i < 1000; i++) {
            assertEquals(a.next(), b.next());
        }
    }

    @Test
    void badParametersAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new KeyChooser(0, KeyChooser.Distribution.UNIFORM, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new KeyChooser(10, KeyChooser.Distribution.ZIPF, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new KeyChooser(10, KeyChooser.Distribution.ZIPF, Double.NaN, 1));
    }
}
