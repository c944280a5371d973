package dev.backendpatterns.ratelimiter;

import java.util.SplittableRandom;

/**
 * Picks the identity of each request: uniformly, or Zipf-distributed (a few hot identities, a long tail), with
 * rejection-inversion sampling (Hörmann and Derflinger), which needs no table and so works for any key count.
 * Not thread-safe: one per dispatcher thread.
 */
public final class KeyChooser {
    public enum Distribution { UNIFORM, ZIPF }

    private final int size;
    private final Distribution distribution;
    private final SplittableRandom random;
    private final double exponent;
    private final double hIntegralX1;
    private final double hIntegralN;
    private final double s;

    public KeyChooser(int size, Distribution distribution, double zipfExponent, long seed) {
        if (size < 1) {
            throw new IllegalArgumentException("key count must be at least 1");
        }
        if (distribution == Distribution.ZIPF && !(zipfExponent > 0)) {
            throw new IllegalArgumentException("--zipf-exponent must be positive, was " + zipfExponent);
        }
        this.size = size;
        this.distribution = distribution;
        this.random = new SplittableRandom(seed);
        this.exponent = zipfExponent;
        this.hIntegralX1 = hIntegral(1.5) - 1;
        this.hIntegralN = hIntegral(size + 0.5);
        this.s = 2 - hIntegralInverse(hIntegral(2.5) - h(2));
    }

    /** The next identity, in {@code [0, size)}; with Zipf, 0 is the hottest. */
    public int next() {
        if (size == 1) {
            return 0;
        }
        if (distribution == Distribution.UNIFORM) {
            return random.nextInt(size);
        }
        while (true) {
            double u = hIntegralN + random.nextDouble() * (hIntegralX1 - hIntegralN);
            double x = hIntegralInverse(u);
            long k = (long) (x + 0.5);
            if (k < 1) {
                k = 1;
            } else if (k > size) {
                k = size;
            }
            if (k - x <= s || u >= hIntegral(k + 0.5) - h(k)) {
                return (int) (k - 1);
            }
        }
    }

    private double h(double x) {
        return Math.exp(-exponent * Math.log(x));
    }

    private double hIntegral(double x) {
        double logX = Math.log(x);
        return helper2((1 - exponent) * logX) * logX;
    }

    private double hIntegralInverse(double x) {
        double t = x * (1 - exponent);
        if (t < -1) {
            t = -1;
        }
        return Math.exp(helper1(t) * x);
    }

    /** log(1 + x) / x, stable near 0. */
    private static double helper1(double x) {
        return Math.abs(x) > 1e-8 ? Math.log1p(x) / x : 1 - x * (0.5 - x * (1.0 / 3 - 0.25 * x));
    }

    /** (exp(x) - 1) / x, stable near 0. */
    private static double helper2(double x) {
        return Math.abs(x) > 1e-8 ? Math.expm1(x) / x : 1 + x * 0.5 * (1 + x * (1.0 / 3) * (1 + 0.25 * x));
    }
}
