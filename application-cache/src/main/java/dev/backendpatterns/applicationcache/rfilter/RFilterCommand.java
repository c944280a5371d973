package dev.backendpatterns.applicationcache.rfilter;

import dev.backendpatterns.common.cli.FlagDefaults;
import dev.backendpatterns.common.cli.LoadOptions;
import dev.backendpatterns.common.cli.OutputOptions;
import dev.backendpatterns.common.cli.ParsingConverter;
import dev.backendpatterns.common.cli.ServerOptions;
import dev.backendpatterns.common.cli.UsageException;
import dev.backendpatterns.common.cql.CqlEndpointOptions;
import dev.backendpatterns.common.cql.CqlTarget;
import dev.backendpatterns.common.filter.KeyHash;
import dev.backendpatterns.common.load.LoadPlan;
import dev.backendpatterns.common.load.Measurement;
import dev.backendpatterns.common.report.Parameters;
import dev.backendpatterns.common.run.PatternResult;
import dev.backendpatterns.common.run.PatternRun;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code application-cache r-filter}: a filter in front of a CQL store, so that queries for absent keys skip the store. */
@Command(name = "r-filter", aliases = "r_filter", mixinStandardHelpOptions = true, sortOptions = false,
        defaultValueProvider = RFilterCommand.Defaults.class,
        description = {
            "Cache-miss prevention in front of ScyllaDB/Cassandra: even requests read then insert a new key's row and add "
                    + "the key to the filter; odd requests ask the filter and read the store only when it says \"maybe\". "
                    + "Reports true/false positives and negatives, store reads avoided, the filter's measured false-positive "
                    + "rate against its formula, and its memory.",
            "Without --cql it starts an embedded Cassandra (two nodes with --cluster)."})
public final class RFilterCommand implements Callable<Integer> {
    /** The reference's defaults for the shared options: 10,000 requests, 1,000 in flight. */
    static final class Defaults extends FlagDefaults {
        Defaults() {
            super(Map.of("--requests", "10000", "--semaphore", "1000"));
        }
    }

    @Option(names = {"--algorithm", "-algorithm"}, defaultValue = "bloom_filter", converter = AlgorithmConverter.class,
            paramLabel = "NAME", description = "bloom_filter (default), blocked_bloom, r_filter, guava (Guava's BloomFilter), "
                    + "none (every query reads the store).")
    FilterAlgorithm algorithm;

    @Option(names = {"--hash", "-hash"}, defaultValue = "xx", converter = HashConverter.class, paramLabel = "xx|farm|murmur3",
            description = "64-bit hash of the keys (default: ${DEFAULT-VALUE}); Guava's filter always uses its own.")
    KeyHash hash;

    @Option(names = {"--bits", "-bits"}, defaultValue = "1000000", paramLabel = "M",
            description = "Bits of a Bloom filter (default: ${DEFAULT-VALUE}).")
    long bits;

    @Option(names = {"--position", "-position"}, defaultValue = "6", paramLabel = "K",
            description = "Bit positions per key of a Bloom filter (default: ${DEFAULT-VALUE}).")
    int position;

    @Option(names = {"--length", "-length"}, defaultValue = "6", paramLabel = "N",
            description = "Characters of the R filter's base-62 fingerprints (default: ${DEFAULT-VALUE}).")
    int length;

    @Option(names = "--hit-ratio", defaultValue = "0.5", paramLabel = "P",
            description = "Share of the queries that ask for a key already inserted; the others ask for keys never "
                    + "inserted (default: ${DEFAULT-VALUE}; the reference's fresh timestamps are 0).")
    double hitRatio;

    @Option(names = "--probes", defaultValue = "1000000", paramLabel = "N",
            description = "Keys never inserted asked of the filter, in memory, after the run, to measure its false-positive "
                    + "rate (default: ${DEFAULT-VALUE}).")
    int probes;

    @Option(names = "--keep-data", description = "Leave the run's rows in the table (by default the run deletes exactly what it wrote).")
    boolean keepData;

    @Option(names = "--seed", paramLabel = "N", description = "Seed of the queries' key choice (default: random).")
    Long seed;

    @Mixin
    LoadOptions load;

    @Mixin
    OutputOptions output;

    @Mixin
    CqlEndpointOptions endpoint;

    @Mixin
    ServerOptions servers;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        LoadPlan plan = load.plan();
        UsageException.require(!plan.timed(), "r-filter runs a number of requests (--requests), as the reference; not --duration");
        UsageException.require(!plan.warmup().timed(), "r-filter warms up with a number of requests (--warmup=N)");
        UsageException.require(hitRatio >= 0 && hitRatio <= 1, "--hit-ratio must be between 0 and 1, was " + hitRatio);
        UsageException.require(probes >= 0, "--probes must not be negative, was " + probes);
        UsageException.require(position >= 1 && position <= 64, "--position must be between 1 and 64, was " + position);
        UsageException.require(bits >= 64, "--bits must be at least 64, was " + bits);
        long inserts = (plan.requests() + 1) / 2;
        long heap = Runtime.getRuntime().maxMemory();
        long needed = algorithm.memoryBytesFor(bits, inserts) + AddedKeys.memoryBytesFor(inserts);
        UsageException.require(needed < heap * 0.7, String.format(Locale.ROOT,
                "--algorithm %s with --bits %,d and --requests %,d needs %,d MiB for the filter and its ground truth,"
                        + " but this JVM may use %,d MiB at most (raise -Xmx, or lower %s)",
                algorithm, bits, plan.requests(), needed >> 20, heap >> 20,
                algorithm == FilterAlgorithm.R_FILTER || algorithm == FilterAlgorithm.NONE ? "--requests" : "--bits"));
        long warmupInserts = (plan.warmup().requests() + 1) / 2;
        KeyFilter warmupFilter = UsageException.fromFlags(() -> algorithm.create(Math.max(64, bits / 100), position, length, hash,
                Math.max(1, warmupInserts)));
        KeyFilter filter = UsageException.fromFlags(() -> algorithm.create(bits, position, length, hash, inserts));
        long querySeed = seed != null ? seed : ThreadLocalRandom.current().nextLong();
        String run = "bp" + Long.toString(ThreadLocalRandom.current().nextLong() >>> 24, 36);
        long base = System.currentTimeMillis() * 1000;

        return PatternRun.execute("r-filter", spec.commandLine().getParseResult().originalArgs(), output, context -> {
            CqlTarget cql = context.use(CqlTarget.open(endpoint, servers, 0, System.err));
            TimestampStore store = new TimestampStore(cql, run);
            TimestampStore warmupStore = new TimestampStore(cql, run + "w");
            FilterWorkload warmup = new FilterWorkload(warmupFilter, warmupStore, Math.max(1, warmupInserts), hitRatio,
                    base + 5_000_000_000_000L, querySeed ^ 1);
            FilterWorkload workload = new FilterWorkload(filter, store, inserts, hitRatio, base, querySeed);
            Measurement m = context.run(context.runner(Duration.ofMillis(Math.max(5_000, servers.timeout().toMillis())), List.of()),
                    warmup, workload, plan);
            Map<String, Object> figures = figures(m, filter, workload);
            if (!keepData) {
                figures.put("partitions_deleted", store.deleteRun() + warmupStore.deleteRun());
            }
            return PatternResult.of(parameters(plan, querySeed), m, figures);
        });
    }

    private Map<String, Object> figures(Measurement m, KeyFilter filter, FilterWorkload workload) {
        Map<String, Object> figures = new LinkedHashMap<>();
        long queries = m.outcome(FilterWorkload.TRUE_POSITIVE) + m.outcome(FilterWorkload.FALSE_POSITIVE)
                + m.outcome(FilterWorkload.TRUE_NEGATIVE) + m.outcome(FilterWorkload.FALSE_NEGATIVE);
        long avoided = filter == null ? 0 : m.outcome(FilterWorkload.TRUE_NEGATIVE) + m.outcome(FilterWorkload.FALSE_NEGATIVE);
        if (filter != null) {
            long keys = m.outcome(FilterWorkload.INSERTED);
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("algorithm", algorithm.id());
            f.putAll(filter.shape());
            f.put("keys_inserted", keys);
            double measured = workload.probeFalsePositiveRate(probes);
            f.put("probes", probes);
            f.put("false_positive_rate", Double.isNaN(measured) ? null : measured);
            f.put("false_positive_rate_expected", filter.expectedFalsePositiveRate(keys));
            long negatives = m.outcome(FilterWorkload.FALSE_POSITIVE) + m.outcome(FilterWorkload.TRUE_NEGATIVE);
            f.put("false_positive_rate_during_run", negatives == 0 ? null
                    : (double) m.outcome(FilterWorkload.FALSE_POSITIVE) / negatives);
            f.put("memory_bytes", filter.memoryBytes());
            f.put("bytes_per_key", keys == 0 ? null : Math.round(100.0 * filter.memoryBytes() / keys) / 100.0);
            figures.put("filter", f);
        }
        figures.put("queries", queries);
        figures.put("store_reads_avoided", avoided);
        figures.put("store_reads_avoided_share", queries == 0 ? null : Math.round(10_000.0 * avoided / queries) / 10_000.0);
        return figures;
    }

    private Parameters parameters(LoadPlan plan, long querySeed) {
        Parameters p = new Parameters();
        p.put("--algorithm", "algorithm", algorithm.id());
        p.put("--hash", "hash", algorithm == FilterAlgorithm.GUAVA ? "murmur3_128 (guava)" : hash.id());
        p.put("--bits", "bits", bits);
        p.put("--position", "position", position);
        p.put("--length", "length", length);
        p.put("--requests", "requests", plan.requests());
        p.put("--semaphore", "semaphore", plan.inFlight());
        p.put("--rate", "rate_per_s", plan.ratePerSecond());
        p.put("--warmup", "warmup", plan.warmup().toString());
        p.put("--hit-ratio", "hit_ratio", hitRatio);
        p.put("--seed", "seed", querySeed);
        p.put("--cql-consistency", "consistency", endpoint.consistency());
        return p;
    }

    static final class AlgorithmConverter extends ParsingConverter<FilterAlgorithm> {
        AlgorithmConverter() {
            super(FilterAlgorithm::parse);
        }
    }

    /** The reference's {@code -hash}: xx is xxHash64, anything else FarmHash; here murmur3 too, and unknown names refused. */
    static final class HashConverter extends ParsingConverter<KeyHash> {
        HashConverter() {
            super(KeyHash::parse);
        }
    }
}
