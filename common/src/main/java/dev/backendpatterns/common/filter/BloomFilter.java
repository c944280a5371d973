package dev.backendpatterns.common.filter;

/**
 * A classic Bloom filter: m bits in a {@code long[]} (one bit per position, nothing wasted), and k positions per key
 * by double hashing (Kirsch and Mitzenmacher: position i = a + i·b) from one 64-bit hash, each position mapped onto
 * the array by a multiply-shift instead of a division. A query touches up to k cache lines.
 */
public final class BloomFilter implements MembershipFilter {
    private final long[] words;
    private final int k;

    /** A filter of {@code bits} bits (rounded up to a multiple of 64) setting {@code k} bits per key. */
    public BloomFilter(long bits, int k) {
        this(new long[checkedWords(bits)], k);
    }

    private BloomFilter(long[] words, int k) {
        if (k < 1 || k > 64) {
            throw new IllegalArgumentException("the number of positions must be between 1 and 64, was " + k);
        }
        this.words = words;
        this.k = k;
    }

    /** A filter holding exactly the bits of a {@link #snapshot()} (a restart that loads a stored filter). */
    public static BloomFilter fromWords(long[] words, int k) {
        if (words.length == 0) {
            throw new IllegalArgumentException("a filter has at least one word");
        }
        return new BloomFilter(words.clone(), k);
    }

    static int checkedWords(long bits) {
        if (bits < 1 || bits > BitWords.MAX_BITS) {
            throw new IllegalArgumentException("a filter has between 1 and " + BitWords.MAX_BITS + " bits, not " + bits);
        }
        return (int) ((bits + 63) >>> 6);
    }

    @Override
    public void add(long hash) {
        long a = Long.rotateLeft(hash, 32);
        int n = words.length;
        for (int i = 0; i < k; i++) {
            BitWords.set(words, BitWords.reduce((int) (a >>> 32), n), 1L << a);
            a += hash;
        }
    }

    @Override
    public boolean mightContain(long hash) {
        long a = Long.rotateLeft(hash, 32);
        long[] w = words;
        int n = w.length;
        for (int i = 0; i < k; i++) {
            if ((w[BitWords.reduce((int) (a >>> 32), n)] & (1L << a)) == 0) {
                return false;
            }
            a += hash;
        }
        return true;
    }

    @Override
    public long bits() {
        return 64L * words.length;
    }

    @Override
    public int hashFunctions() {
        return k;
    }

    @Override
    public long memoryBytes() {
        return BitWords.arrayBytes(words.length);
    }

    /** (1 - e^(-kn/m))^k. */
    @Override
    public double expectedFalsePositiveRate(long keys) {
        return Math.pow(1 - Math.exp(-(double) k * keys / bits()), k);
    }

    /** The filter's words as they are now: what a snapshot stores. */
    public long[] snapshot() {
        return BitWords.snapshot(words);
    }
}
