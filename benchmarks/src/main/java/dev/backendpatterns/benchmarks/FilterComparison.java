package dev.backendpatterns.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.backendpatterns.common.report.Machine;
import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jol.info.GraphLayout;

/**
 * Runs {@link FilterBenchmark} with JMH, then measures each filter's false-positive rate (on 10 million keys never
 * added) and memory, and writes one row per filter and size, with the targets checked, to a JSON file the README's
 * table is generated from:
 *
 * <pre>java -Xmx6g -cp benchmarks/target/benchmarks.jar dev.backendpatterns.benchmarks.FilterComparison OUT.json [KEYS...]</pre>
 */
public final class FilterComparison {
    private static final int FPR_PROBES = 10_000_000;
    private static final int BITS_PER_KEY = 10;

    private FilterComparison() {
    }

    public static void main(String[] args) throws RunnerException, IOException {
        if (args.length < 1) {
            System.err.println("usage: FilterComparison OUT.json [KEYS...] (default keys: 10000000 100000000)");
            System.exit(2);
        }
        String[] sizes = args.length > 1 ? Arrays.copyOfRange(args, 1, args.length) : new String[] {"10000000", "100000000"};
        Options options = new OptionsBuilder().include(FilterBenchmark.class.getSimpleName())
                .param("keys", sizes).param("bitsPerKey", Integer.toString(BITS_PER_KEY))
                .forks(1).warmupIterations(2).warmupTime(TimeValue.seconds(3)).measurementIterations(3)
                .measurementTime(TimeValue.seconds(3)).jvmArgs("-Xmx5g").build();
        Map<String, Map<String, Object>> rows = new LinkedHashMap<>();
        for (RunResult result : new Runner(options).run()) {
            String filter = result.getParams().getParam("filter");
            String keys = result.getParams().getParam("keys");
            Map<String, Object> row = rows.computeIfAbsent(filter + "@" + keys, k -> new LinkedHashMap<>());
            row.put("filter", filter);
            row.put("keys", Long.parseLong(keys));
            double score = result.getPrimaryResult().getScore();
            if (result.getParams().getBenchmark().endsWith(".query")) {
                row.put("query_per_s", Math.round(score));
                row.put("query_error_per_s", Math.round(result.getPrimaryResult().getScoreError()));
            } else {
                row.put("build_ms", Math.round(score));
                row.put("add_per_s", Math.round(Long.parseLong(keys) / (score / 1000)));
            }
        }
        for (Map<String, Object> row : rows.values()) {
            measureAccuracy(row);
        }
        for (Map<String, Object> row : rows.values()) {
            compare(row, rows);
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("schema_version", 2);
        doc.put("pattern", "bloom-filters");
        doc.put("parameters", Map.of("bits_per_key", BITS_PER_KEY, "fpr_probes", FPR_PROBES,
                "jmh", "1 fork, 2 x 3 s warm-up, 3 x 3 s measurement; build: single shots"));
        doc.put("rows", new ArrayList<>(rows.values()));
        doc.put("machine", Machine.current());
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(new File(args[0]), doc);
        System.out.println("written " + args[0]);
    }

    private static void measureAccuracy(Map<String, Object> row) {
        int keys = ((Long) row.get("keys")).intValue();
        Filters kind = Filters.valueOf(((String) row.get("filter")).toUpperCase(Locale.ROOT));
        FilterUnderTest filter = kind.build(FilterBenchmark.randomKeys(keys, FilterBenchmark.KEY_SEED), BITS_PER_KEY);
        long[] probes = FilterBenchmark.randomKeys(FPR_PROBES, 99);
        long positives = 0;
        for (long probe : probes) {
            positives += filter.mayContain(probe) ? 1 : 0;
        }
        double measured = (double) positives / FPR_PROBES;
        double expected = filter.expectedFalsePositiveRate(keys);
        row.put("bits", filter.bits());
        row.put("bits_per_key", Math.round(100.0 * filter.bits() / keys) / 100.0);
        row.put("false_positive_rate", measured);
        row.put("false_positive_rate_expected", expected);
        row.put("fpr_vs_formula", Math.round(1000.0 * measured / expected) / 1000.0);
        // measured, not declared: the retained size of the filter's object graph, by JOL
        long memory = GraphLayout.parseInstance(filter.structure()).totalSize();
        row.put("memory_bytes", memory);
        row.put("memory_vs_m8", Math.round(10_000.0 * memory / (filter.bits() / 8.0)) / 10_000.0);
    }

    private static void compare(Map<String, Object> row, Map<String, Map<String, Object>> rows) {
        Object keys = row.get("keys");
        Map<String, Object> guava = rows.get("guava@" + keys);
        Map<String, Object> fastBloom = rows.get("fastfilter_bloom@" + keys);
        Map<String, Object> fastBlocked = rows.get("fastfilter_blocked_bloom@" + keys);
        row.put("query_vs_guava", ratio(row, guava));
        row.put("query_vs_fastfilter_bloom", ratio(row, fastBloom));
        row.put("query_vs_fastfilter_blocked_bloom", ratio(row, fastBlocked));
    }

    private static Double ratio(Map<String, Object> row, Map<String, Object> other) {
        if (other == null || !(row.get("query_per_s") instanceof Long mine) || !(other.get("query_per_s") instanceof Long theirs)) {
            return null;
        }
        return Math.round(100.0 * mine / theirs) / 100.0;
    }
}
