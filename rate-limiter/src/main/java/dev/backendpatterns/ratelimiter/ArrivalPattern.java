package dev.backendpatterns.ratelimiter;

import dev.backendpatterns.common.cli.EnumNames;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Synthetic arrival times, in microseconds, for the accuracy analysis: each offers twice the limit, shaped to
 * expose a different weakness.
 */
public enum ArrivalPattern {
    /** A full limit just before a window boundary and another just after it, every other window. */
    BOUNDARY_BURST,
    /** Evenly spaced at twice the limit's rate. */
    UNIFORM,
    /** Poisson arrivals (exponential gaps) at twice the limit's rate, seeded. */
    POISSON;

    /** Arrivals covering {@code windows} windows of {@code windowMicros}, starting at the aligned {@code start}. */
    public long[] arrivals(long start, long windowMicros, long threshold, int windows, long seed) {
        switch (this) {
            case BOUNDARY_BURST: {
                int pairs = Math.max(1, windows / 2);
                long[] times = new long[(int) (pairs * 2 * threshold)];
                int n = 0;
                long margin = Math.max(threshold, windowMicros / 100);
                for (int p = 0; p < pairs; p++) {
                    long boundary = start + (2L * p + 1) * windowMicros;
                    for (long i = 0; i < threshold; i++) {
                        times[n++] = boundary - margin + i * margin / threshold;
                    }
                    for (long i = 0; i < threshold; i++) {
                        times[n++] = boundary + i * margin / threshold;
                    }
                }
                return times;
            }
            case UNIFORM: {
                int count = (int) (2 * threshold * windows);
                long[] times = new long[count];
                for (int i = 0; i < count; i++) {
                    times[i] = start + (long) i * windowMicros / (2 * threshold);
                }
                return times;
            }
            default: {
                int count = (int) (2 * threshold * windows);
                long[] times = new long[count];
                SplittableRandom random = new SplittableRandom(seed);
                double meanGap = windowMicros / (2.0 * threshold);
                double t = start;
                for (int i = 0; i < count; i++) {
                    t += -Math.log(1 - random.nextDouble()) * meanGap;
                    times[i] = (long) t;
                }
                return times;
            }
        }
    }

    public String id() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    @Override
    public String toString() {
        return id();
    }

    public static ArrivalPattern parse(String name) {
        return EnumNames.parse(ArrivalPattern.class, name, ArrivalPattern::id, "arrival pattern");
    }

    /** The most entries of the sorted {@code times} that fall in any half-open window {@code (t - window, t]}. */
    public static long maxInAnyWindow(long[] times, int count, long windowMicros) {
        long best = 0;
        int from = 0;
        for (int to = 0; to < count; to++) {
            while (times[from] <= times[to] - windowMicros) {
                from++;
            }
            best = Math.max(best, to - from + 1);
        }
        return best;
    }
}
