package dev.backendpatterns.ratelimiter;

import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.sampling.distribution.DiscreteSampler;
import org.apache.commons.rng.sampling.distribution.RejectionInversionZipfSampler;
import org.apache.commons.rng.simple.RandomSource;

/**
 * Picks the identity of each request: uniformly, or Zipf-distributed (a few hot identities, a long tail) with Commons
 * RNG's rejection-inversion sampler (Hörmann and Derflinger), which needs no table and so works for any key count.
 * Seeded, so a run can be repeated. Not thread-safe: one per dispatcher thread.
 */
public final class KeyChooser {
    public enum Distribution { UNIFORM, ZIPF }

    private final int size;
    private final UniformRandomProvider random;
    private final DiscreteSampler zipf;

    public KeyChooser(int size, Distribution distribution, double zipfExponent, long seed) {
        if (size < 1) {
            throw new IllegalArgumentException("key count must be at least 1");
        }
        if (distribution == Distribution.ZIPF && (!(zipfExponent > 0) || Double.isInfinite(zipfExponent))) {
            throw new IllegalArgumentException("--zipf-exponent must be a positive number, was " + zipfExponent);
        }
        this.size = size;
        this.random = RandomSource.XO_RO_SHI_RO_128_PP.create(seed);
        this.zipf = distribution == Distribution.ZIPF ? RejectionInversionZipfSampler.of(random, size, zipfExponent) : null;
    }

    /** The next identity, in {@code [0, size)}; with Zipf, 0 is the hottest (rank 1). */
    public int next() {
        if (size == 1) {
            return 0;
        }
        return zipf == null ? random.nextInt(size) : zipf.sample() - 1;
    }
}
