package dev.backendpatterns.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.math.Quantiles;
import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;

/**
 * Query throughput of every filter in one JVM, in interleaved rounds: each round runs each filter over the same probes,
 * in a shuffled order, so that a slow minute of a shared machine slows every filter of that round instead of the one
 * JMH happened to be measuring. The ratios are taken within each round, and their median and quartiles over the rounds
 * are added to the rows of {@link FilterComparison}'s file:
 *
 * <pre>java -Xmx8g -cp benchmarks/target/benchmarks.jar dev.backendpatterns.benchmarks.PairedQueries FILE.json [ROUNDS]</pre>
 */
public final class PairedQueries {
    private static final int PROBES = FilterBenchmark.PROBES;
    private static final int WARM_UP_ROUNDS = 3;
    private static final Filters[] BASELINES = {Filters.GUAVA, Filters.FASTFILTER_BLOOM, Filters.FASTFILTER_BLOCKED_BLOOM};

    private PairedQueries() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 1 || args.length > 2) {
            System.err.println("usage: PairedQueries FILE.json [ROUNDS] (FILE written by FilterComparison; default 20 rounds)");
            System.exit(2);
        }
        int rounds = args.length > 1 ? measuredRounds(args[1]) : 20;
        File file = new File(args[0]);
        if (!file.isFile()) {
            System.err.println("no file " + file + ": run FilterComparison first, it writes the rows this adds to");
            System.exit(2);
        }
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode doc = (ObjectNode) json.readTree(file);
        ArrayNode rows = (ArrayNode) doc.get("rows");
        int bitsPerKey = doc.get("parameters").get("bits_per_key").asInt();
        TreeSet<Integer> sizes = new TreeSet<>();
        rows.forEach(row -> sizes.add(row.get("keys").asInt()));
        long[] probes = FilterBenchmark.randomKeys(PROBES, FilterBenchmark.PROBE_SEED);
        for (int keys : sizes) {
            Map<Filters, Rounds> measured = measure(keys, bitsPerKey, probes, rounds);
            for (var row : rows) {
                if (row.get("keys").asInt() == keys) {
                    measured.get(Filters.valueOf(row.get("filter").asText().toUpperCase(Locale.ROOT))).write((ObjectNode) row, measured);
                }
            }
        }
        ((ObjectNode) doc.get("parameters")).put("paired", rounds + " interleaved rounds of " + PROBES
                + " queries per filter in one JVM, after " + WARM_UP_ROUNDS + " warm-up rounds, shuffled order per round");
        json.writeValue(file, doc);
        System.out.println("paired rounds added to " + file);
    }

    private static int measuredRounds(String argument) {
        try {
            int rounds = Integer.parseInt(argument);
            if (rounds >= 3) {
                return rounds;
            }
        } catch (NumberFormatException notANumber) {
            // refused below, as a count below 3 is
        }
        System.err.println("ROUNDS is a whole number of measured rounds, at least 3, not '" + argument + "'");
        System.exit(2);
        throw new AssertionError("unreachable");
    }

    private static Map<Filters, Rounds> measure(int keys, int bitsPerKey, long[] probes, int rounds) {
        long[] keySet = FilterBenchmark.randomKeys(keys, FilterBenchmark.KEY_SEED);
        Map<Filters, FilterUnderTest> built = new EnumMap<>(Filters.class);
        for (Filters kind : Filters.values()) {
            built.put(kind, kind.build(keySet, bitsPerKey));
        }
        Map<Filters, Rounds> measured = new EnumMap<>(Filters.class);
        built.keySet().forEach(kind -> measured.put(kind, new Rounds()));
        List<Filters> order = new ArrayList<>(built.keySet());
        Random shuffle = new Random(keys);
        long present = 0;
        for (int round = 0; round < WARM_UP_ROUNDS + rounds; round++) {
            Collections.shuffle(order, shuffle);
            for (Filters kind : order) {
                long start = System.nanoTime();
                present += built.get(kind).countPresent(probes);
                double perSecond = PROBES / ((System.nanoTime() - start) / 1e9);
                if (round >= WARM_UP_ROUNDS) {
                    measured.get(kind).rates.add(perSecond);
                }
            }
            System.out.printf(Locale.ROOT, "%,d keys, round %d of %d%n", keys, round + 1, WARM_UP_ROUNDS + rounds);
        }
        System.out.printf(Locale.ROOT, "%,d keys: %,d probes answered present over all rounds%n", keys, present);
        return measured;
    }

    /** One filter's query rates, one per measured round, in round order. */
    private static final class Rounds {
        final List<Double> rates = new ArrayList<>();

        void write(ObjectNode row, Map<Filters, Rounds> all) {
            row.put("paired_query_per_s", Math.round(Quantiles.median().compute(rates)));
            for (Filters baseline : BASELINES) {
                List<Double> baseRates = all.get(baseline).rates;
                List<Double> ratios = new ArrayList<>();
                for (int i = 0; i < rates.size(); i++) {
                    ratios.add(rates.get(i) / baseRates.get(i));
                }
                Map<Integer, Double> quartiles = Quantiles.quartiles().indexes(1, 2, 3).compute(ratios);
                String name = "paired_vs_" + baseline.id();
                row.put(name, Math.round(100 * quartiles.get(2)) / 100.0);
                row.put(name + "_iqr", String.format(Locale.ROOT, "%.2f-%.2f", quartiles.get(1), quartiles.get(3)));
            }
        }
    }
}
