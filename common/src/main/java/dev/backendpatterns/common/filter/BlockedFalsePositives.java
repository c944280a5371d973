package dev.backendpatterns.common.filter;

import java.util.HashMap;
import java.util.Map;

/**
 * The false-positive rate of {@link BlockedBloomFilter}'s layout, computed exactly (given uniform hashes), not
 * approximated. A block holds a Poisson number of keys (mean {@code lambda} = n / blocks); each key puts {@code k1}
 * positions, drawn with replacement, into a first word of its block and {@code k2} into a second, both chosen among the
 * 8; by Poisson splitting, the keys of each ordered pair of words (i, j) are independent Poisson(lambda / 64) counts.
 * A query for an absent key picks words a and b the same way: it is a false positive when all its positions in a are
 * set and all in b. Given D positions drawn into a 64-bit word, Z distinct bits are set (the occupancy distribution),
 * and a query position hits one with probability Z / 64, so P(k positions all set) = E[(Z/64)^k]. The keys of the pairs
 * (a, b) and (b, a) put positions in both words, which is what makes the two words' fills depend on each other; the
 * sum runs over those two counts, the other pairs' draws being independent of them.
 */
final class BlockedFalsePositives {
    private static final int WORD_BITS = 64;
    private static final double NEGLIGIBLE = 1e-16;

    private final Map<Integer, double[]> occupancy = new HashMap<>();

    private BlockedFalsePositives() {
    }

    static double rate(double lambda, int k1, int k2) {
        return new BlockedFalsePositives().compute(lambda, k1, k2);
    }

    private double compute(double lambda, int k1, int k2) {
        double c = lambda / 64; // keys of one ordered pair of words
        int cut = (int) Math.ceil(7 * c + 12 * Math.sqrt(7 * c) + 20);
        // draws into a word from the pairs that do not involve the other queried word
        double[] other = convolve(convolve(poisson(c, k1 + k2, cut), poisson(6 * c, k1, cut)), poisson(6 * c, k2, cut));
        double differentWords = 0;
        for (int ab = 0; ab < cut; ab++) {
            for (int ba = 0; ba < cut; ba++) {
                double p = poissonAt(c, ab) * poissonAt(c, ba);
                if (p < NEGLIGIBLE) {
                    continue;
                }
                differentWords += p * expectedAllSet(other, k1 * ab + k2 * ba, k1) * expectedAllSet(other, k2 * ab + k1 * ba, k2);
            }
        }
        double[] sameWord = convolve(convolve(poisson(c, k1 + k2, cut), poisson(7 * c, k1, cut)), poisson(7 * c, k2, cut));
        return 7.0 / 8 * differentWords + 1.0 / 8 * expectedAllSet(sameWord, 0, k1 + k2);
    }

    /** E[(Z/64)^j] for a word that got {@code shift} draws plus a number distributed as {@code draws}. */
    private double expectedAllSet(double[] draws, int shift, int j) {
        double sum = 0;
        for (int d = 0; d < draws.length; d++) {
            if (draws[d] >= NEGLIGIBLE) {
                sum += draws[d] * moment(d + shift, j);
            }
        }
        return sum;
    }

    /** E[(Z/64)^j] after D draws into 64 bits. */
    private double moment(int draws, int j) {
        double[] distribution = occupancy.computeIfAbsent(draws, BlockedFalsePositives::occupancy);
        double sum = 0;
        for (int z = 0; z <= WORD_BITS; z++) {
            sum += distribution[z] * Math.pow((double) z / WORD_BITS, j);
        }
        return sum;
    }

    /** The distribution of distinct bits set after {@code draws} uniform draws into 64. */
    private static double[] occupancy(int draws) {
        double[] p = new double[WORD_BITS + 1];
        p[0] = 1;
        for (int d = 0; d < draws; d++) {
            double[] next = new double[WORD_BITS + 1];
            for (int z = 0; z <= WORD_BITS; z++) {
                if (p[z] == 0) {
                    continue;
                }
                next[z] += p[z] * z / WORD_BITS;
                if (z < WORD_BITS) {
                    next[z + 1] += p[z] * (WORD_BITS - z) / WORD_BITS;
                }
            }
            p = next;
        }
        return p;
    }

    private static double poissonAt(double mean, int x) {
        return mean == 0 ? (x == 0 ? 1 : 0) : Math.exp(-mean + x * Math.log(mean) - logFactorial(x));
    }

    private static double logFactorial(int x) {
        double sum = 0;
        for (int i = 2; i <= x; i++) {
            sum += Math.log(i);
        }
        return sum;
    }

    /** The distribution of {@code multiple} times a Poisson({@code mean}) count, cut at {@code cut} counts. */
    private static double[] poisson(double mean, int multiple, int cut) {
        double[] d = new double[multiple * cut + 1];
        for (int x = 0; x < cut; x++) {
            d[multiple * x] += poissonAt(mean, x);
        }
        return d;
    }

    private static double[] convolve(double[] a, double[] b) {
        double[] c = new double[a.length + b.length - 1];
        for (int i = 0; i < a.length; i++) {
            if (a[i] < NEGLIGIBLE) {
                continue;
            }
            for (int j = 0; j < b.length; j++) {
                c[i + j] += a[i] * b[j];
            }
        }
        return c;
    }
}
