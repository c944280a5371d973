package dev.backendpatterns.common.filter;

/**
 * A cache-line-blocked Bloom filter (after Putze, Sanders and Singler, "Cache-, hash- and space-efficient Bloom
 * filters"): the bits are cut into blocks of 512 bits (8 words, 64 bytes), the upper half of a key's hash picks its
 * block, and all k of its bits lie in that block, in two of its words (the two may be the same): about half of them in
 * the first, the rest in the second, at 6-bit positions. With at most four bits per key the lower half of the hash,
 * which the block does not use, has room for all of it: positions from bits 0-23, the two words from bits 24-29, and
 * no further arithmetic. With more, the words come from the top six bits of the hash times the golden ratio and the
 * positions from a second mixing of the hash ({@link KeyHash#mix}). (Taking the words from bits of the hash that also
 * feed the positions made keys of one word share positions: the false-positive rate rose a quarter above the
 * formula's; positions from the hash folded on itself, whose two halves are then equal, left it 8% above at 20 bits
 * per key and k = 10.) A query reads two words of one block, one cache line, where a classic filter reads up to k
 * lines; it loads both before testing either (testing both without a branch measured slower). An add writes two
 * words, each with one atomic OR. The first block starts at word 6 of the array, because HotSpot's G1 places a large
 * array 16 bytes past a region boundary, so that blocks then fall on 64-byte lines (the JVM promises no alignment;
 * elsewhere a block may span two lines). The price is a higher false-positive rate than a classic filter of the same size, as blocks and words fill
 * unevenly: {@link #expectedFalsePositiveRate} computes it exactly for this layout.
 */
public final class BlockedBloomFilter implements MembershipFilter {
    private static final int BLOCK_BITS = 512;
    private static final int WORDS_PER_BLOCK = BLOCK_BITS / 64;
    /** Words before the first block: 16 bytes of array header + 48 = one 64-byte line. */
    private static final int FIRST_BLOCK = 6;
    /** Multiplying the hash by it mixes every bit into the top six, which pick the two words. */
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;
    /** The most positions a key may have: ten 6-bit positions from one 64-bit mixing. */
    public static final int MAX_POSITIONS = 10;

    private final long[] words;
    private final int blocks;
    private final int k;
    private final int firstWordBits;
    /**
     * Where each of a word's (at most five) positions sits in the 64-bit position hash, as a shift. Both words always
     * take five shifts; a word with fewer positions repeats its first one, which sets or tests the same bit again: so the
     * masks are built without a loop or a branch, which lets the JIT overlap the queries (a loop over k ran at half the
     * speed).
     */
    private final int a0;
    private final int a1;
    private final int a2;
    private final int a3;
    private final int a4;
    private final int b0;
    private final int b1;
    private final int b2;
    private final int b3;
    private final int b4;
    /** At most two positions per word (k <= 4): everything comes from the hash's lower half, two shifts per mask. */
    private final boolean narrow;
    /** All ones, or none when k = 1 and the second word has no position: its mask is then empty. */
    private final long secondWordUsed;

    /** A filter of at least {@code bits} bits (rounded up to whole blocks) setting {@code k} bits per key. */
    public BlockedBloomFilter(long bits, int k) {
        if (k < 1 || k > MAX_POSITIONS) {
            throw new IllegalArgumentException("a blocked filter sets between 1 and " + MAX_POSITIONS + " bits per key, not " + k);
        }
        int wordCount = BloomFilter.checkedWords(bits);
        long blockCount = Math.max(1, (wordCount + WORDS_PER_BLOCK - 1L) / WORDS_PER_BLOCK);
        if (blockCount * WORDS_PER_BLOCK + WORDS_PER_BLOCK > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("a blocked filter has at most " + (long) (Integer.MAX_VALUE / 8 - 2) * BLOCK_BITS
                    + " bits, not " + bits);
        }
        this.blocks = (int) blockCount;
        this.words = new long[blocks * WORDS_PER_BLOCK + WORDS_PER_BLOCK];
        this.k = k;
        this.firstWordBits = (k + 1) / 2;
        int[] first = shifts(0, firstWordBits);
        int[] second = shifts(firstWordBits, k - firstWordBits);
        a0 = first[0];
        a1 = first[1];
        a2 = first[2];
        a3 = first[3];
        a4 = first[4];
        b0 = second[0];
        b1 = second[1];
        b2 = second[2];
        b3 = second[3];
        b4 = second[4];
        narrow = k <= 4;
        secondWordUsed = k > 1 ? -1L : 0L;
    }

    /** The shifts of positions {@code from .. from + count - 1}, padded to five by repeating the first. */
    private static int[] shifts(int from, int count) {
        int[] shifts = new int[5];
        for (int i = 0; i < 5; i++) {
            shifts[i] = 6 * (from + (i < count ? i : 0));
        }
        return shifts;
    }

    private long firstMask(long p) {
        long mask = (1L << (p >>> a0)) | (1L << (p >>> a1));
        return narrow ? mask : mask | (1L << (p >>> a2)) | (1L << (p >>> a3)) | (1L << (p >>> a4));
    }

    private long secondMask(long p) {
        long mask = (1L << (p >>> b0)) | (1L << (p >>> b1));
        return (narrow ? mask : mask | (1L << (p >>> b2)) | (1L << (p >>> b3)) | (1L << (p >>> b4))) & secondWordUsed;
    }

    /** The key's positions: the hash itself when they fit in its lower half, else a second mixing of it. */
    private long positions(long hash) {
        return narrow ? hash : KeyHash.mix(hash);
    }

    /** The word of its block the key's first positions go in (0-7). */
    private int firstWord(long hash) {
        return narrow ? (int) (hash >>> 24) & 7 : (int) ((hash * GOLDEN) >>> 61);
    }

    /** The word of its block the key's other positions go in (0-7); may be the first. */
    private int secondWord(long hash) {
        return narrow ? (int) (hash >>> 27) & 7 : (int) ((hash * GOLDEN) >>> 58) & 7;
    }

    private int block(long hash) {
        return FIRST_BLOCK + BitWords.reduce((int) (hash >>> 32), blocks) * WORDS_PER_BLOCK;
    }

    @Override
    public void add(long hash) {
        int base = block(hash);
        long p = positions(hash);
        BitWords.set(words, base + firstWord(hash), firstMask(p));
        BitWords.set(words, base + secondWord(hash), secondMask(p));
    }

    @Override
    public boolean mightContain(long hash) {
        long[] w = words;
        int base = block(hash);
        long p = positions(hash);
        long a = w[base + firstWord(hash)];
        long b = w[base + secondWord(hash)];
        long first = firstMask(p);
        long second = secondMask(p);
        return (a & first) == first && (b & second) == second;
    }

    @Override
    public long bits() {
        return (long) blocks * BLOCK_BITS;
    }

    @Override
    public int hashFunctions() {
        return k;
    }

    /** The array, with its header and the padding of the first and last line. */
    @Override
    public long memoryBytes() {
        return BitWords.arrayBytes(words.length);
    }

    /** See {@link BlockedFalsePositives}: exact for this layout, given uniform hashes. */
    @Override
    public double expectedFalsePositiveRate(long keys) {
        return BlockedFalsePositives.rate((double) keys / blocks, firstWordBits, k - firstWordBits);
    }
}
