package dev.backendpatterns.benchmarks;

import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Query and build throughput of the filters on the same random 64-bit keys. {@code query} asks random keys (almost all
 * absent: a filter's job in front of a store); {@code build} adds every key to an empty filter (FastFilter's filters
 * are built from the whole key set at once), one single shot per iteration.
 */
@State(Scope.Benchmark)
public class FilterBenchmark {
    /** Probes per query pass, a power of two; {@link PairedQueries} asks the same ones. */
    static final int PROBES = 1 << 22;
    /** The seeds of the keys added and of the probes asked, shared by every measurement of the comparison. */
    static final long KEY_SEED = 42;
    static final long PROBE_SEED = 7;

    @Param({"10000000", "100000000"})
    public int keys;

    @Param({"bloom_filter", "blocked_bloom", "blocked_bloom_k4", "guava", "fastfilter_bloom", "fastfilter_blocked_bloom"})
    public String filter;

    @Param({"10"})
    public int bitsPerKey;

    private Filters kind;
    private long[] keySet;
    private FilterUnderTest built;
    private long[] probes;
    private int next;

    static long[] randomKeys(int count, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        long[] keys = new long[count];
        for (int i = 0; i < count; i++) {
            keys[i] = random.nextLong();
        }
        return keys;
    }

    @Setup(Level.Trial)
    public void setUp() {
        kind = Filters.valueOf(filter.toUpperCase(Locale.ROOT));
        keySet = randomKeys(keys, KEY_SEED);
        built = kind.build(keySet, bitsPerKey);
        probes = randomKeys(PROBES, PROBE_SEED);
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public boolean query() {
        return built.mayContain(probes[next++ & (PROBES - 1)]);
    }

    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public FilterUnderTest build() {
        return kind.build(keySet, bitsPerKey);
    }
}
