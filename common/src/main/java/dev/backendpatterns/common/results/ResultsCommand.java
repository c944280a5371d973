package dev.backendpatterns.common.results;

import dev.backendpatterns.common.chart.ComparisonChart;
import dev.backendpatterns.common.cli.CommandRunner;
import dev.backendpatterns.common.cli.UsageException;
import dev.backendpatterns.common.report.HistogramCodec;
import dev.backendpatterns.common.report.ResultJson;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.HdrHistogram.Histogram;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The results tool ({@code scripts/results.sh}): README tables from result files, the merge of results from several
 * client machines, and comparison charts. It reads results of schema 1 and 2.
 */
@Command(name = "results", mixinStandardHelpOptions = true,
        description = "Tables, merges and charts of result files (--json of any pattern command).",
        subcommands = {ResultsCommand.Table.class, ResultsCommand.Merge.class, ResultsCommand.Chart.class})
public final class ResultsCommand implements Callable<Integer> {

    public static void main(String[] args) {
        System.exit(CommandRunner.run(new CommandLine(new ResultsCommand()), args));
    }

    @Override
    public Integer call() {
        throw new UsageException("give a subcommand: table, merge or chart");
    }

    static List<Map<String, Object>> read(List<Path> files) {
        List<Map<String, Object>> results = new ArrayList<>();
        for (Path file : files) {
            UsageException.require(Files.isRegularFile(file), "no such result file: " + file);
            results.add(ResultTree.read(file));
        }
        return results;
    }

    @Command(name = "table", mixinStandardHelpOptions = true,
            description = "Prints a Markdown table of the results, or puts it into a README section between "
                    + "<!-- BEGIN name --> and <!-- END name -->.")
    static final class Table implements Callable<Integer> {
        @Option(names = "--readme", paramLabel = "FILE", description = "Replace the section in FILE instead of printing.")
        Path readme;

        @Option(names = "--section", required = true, paramLabel = "NAME")
        String section;

        @Option(names = "--columns", required = true, paramLabel = "SPEC",
                description = "Header=json.path[:format],... with format n, n0, mib, ms (from µs), s, pct or g; paths like backends.0.mode.")
        String columns;

        @Option(names = "--baseline", paramLabel = "PATH=VALUE[@METRIC]",
                description = "Add a column: throughput (or METRIC) against this row of the group.")
        String baseline;

        @Option(names = "--group-by", defaultValue = "pattern", paramLabel = "PATH[+PATH...]")
        String groupBy;

        @Option(names = "--rows", paramLabel = "PATH", description = "Each file's list at PATH gives the rows.")
        String rows;

        @Parameters(paramLabel = "FILE", arity = "1..*")
        List<Path> files;

        @Override
        @SuppressWarnings("unchecked")
        public Integer call() throws Exception {
            List<Map<String, Object>> results = new ArrayList<>();
            for (Map<String, Object> doc : read(files)) {
                if (rows == null) {
                    results.add(doc);
                } else if (ResultTree.get(doc, rows) instanceof List<?> list) {
                    list.forEach(row -> results.add((Map<String, Object>) row));
                } else {
                    throw new UsageException("a result has no list at '" + rows + "'");
                }
            }
            String table = ResultsTable.table(results, columns, baseline, groupBy);
            if (readme == null) {
                System.out.print(table);
            } else {
                String doc = Files.readString(readme, StandardCharsets.UTF_8);
                Files.writeString(readme, ResultsTable.replaceSection(doc, section, table), StandardCharsets.UTF_8);
            }
            return 0;
        }
    }

    @Command(name = "merge", mixinStandardHelpOptions = true,
            description = "Combines results of one workload run from several client machines against one cluster: "
                    + "summed throughput, exact percentiles from the added histograms.")
    static final class Merge implements Callable<Integer> {
        @Option(names = "--out", required = true, paramLabel = "FILE")
        Path out;

        @Parameters(paramLabel = "FILE", arity = "2..*")
        List<Path> files;

        @Override
        public Integer call() {
            Map<String, Object> merged = ResultMerge.merge(read(files), files.stream().map(Path::toString).toList());
            ResultJson.write(out, merged);
            System.out.printf("merged %d results into %s: %s requests, %s requests/s%n", files.size(), out, merged.get("requests"),
                    merged.get("throughput_per_s"));
            return 0;
        }
    }

    @Command(name = "chart", mixinStandardHelpOptions = true,
            description = "Draws results as a PNG: 'throughput' (bars), 'percentiles' (latency curves overlaid) or 'timeline' (a "
                    + "gauge of the time series, --value NAME, over time, one curve per result).")
    static final class Chart implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "KIND", description = "throughput, percentiles or timeline")
        String kind;

        @Option(names = "--out", required = true, paramLabel = "FILE.png")
        Path out;

        @Option(names = "--title", required = true)
        String title;

        @Option(names = "--label", required = true, paramLabel = "PATH[+PATH...]", description = "What names a bar or a curve.")
        String label;

        @Option(names = "--series", paramLabel = "PATH[+PATH...]", description = "What groups bars by colour (throughput).")
        String series;

        @Option(names = "--value", defaultValue = "throughput_per_s", paramLabel = "PATH", description = "The bars' value (default: ${DEFAULT-VALUE}).")
        String value;

        @Option(names = "--value-label", defaultValue = "requests per second")
        String valueLabel;

        @Option(names = "--histogram", defaultValue = "latency", paramLabel = "NAME", description = "Which histogram to draw (default: ${DEFAULT-VALUE}).")
        String histogram;

        @Option(names = "--width", defaultValue = "1100")
        int width;

        @Option(names = "--height", defaultValue = "560")
        int height;

        @Parameters(index = "1..*", paramLabel = "FILE", arity = "1..*")
        List<Path> files;

        @Override
        @SuppressWarnings("unchecked")
        public Integer call() {
            List<Map<String, Object>> results = read(files);
            switch (kind) {
                case "throughput" -> {
                    List<ComparisonChart.Bar> bars = new ArrayList<>();
                    for (Map<String, Object> r : results) {
                        Object v = ResultTree.get(r, value);
                        UsageException.require(v instanceof Number, "a result has no number at '" + value + "'");
                        bars.add(new ComparisonChart.Bar(ResultTree.label(r, label), series == null ? "" : ResultTree.label(r, series),
                                ((Number) v).doubleValue()));
                    }
                    ComparisonChart.bars(out, title, valueLabel, bars, width, height);
                }
                case "percentiles" -> {
                    Map<String, Histogram> curves = new LinkedHashMap<>();
                    for (Map<String, Object> r : results) {
                        Object encoded = ResultTree.get(r, "histograms." + histogram);
                        UsageException.require(encoded instanceof String, "a result has no histogram '" + histogram
                                + "' (results of schema 1 carry none)");
                        curves.put(ResultTree.label(r, label), HistogramCodec.decode((String) encoded));
                    }
                    ComparisonChart.percentiles(out, title, curves, width, height);
                }
                case "timeline" -> {
                    Map<String, List<double[]>> curves = new LinkedHashMap<>();
                    for (Map<String, Object> r : results) {
                        Object points = r.get("series");
                        UsageException.require(points instanceof List<?> l && !l.isEmpty(), "a result has no time series");
                        List<double[]> curve = new ArrayList<>();
                        for (Object p : (List<?>) points) {
                            Map<String, Object> point = (Map<String, Object>) p;
                            Object v = ResultTree.get(point, "gauges." + value);
                            UsageException.require(v instanceof Number, "a result's time series has no gauge '" + value + "'");
                            curve.add(new double[] {((Number) point.get("t_s")).doubleValue(), ((Number) v).doubleValue()});
                        }
                        String name = ResultTree.label(r, label);
                        for (int copy = 2; curves.containsKey(name); copy++) {
                            name = ResultTree.label(r, label) + " (" + copy + ")"; // never draw one curve over another
                        }
                        curves.put(name, curve);
                    }
                    ComparisonChart.timeline(out, title, valueLabel, curves, width, height);
                }
                default -> throw new UsageException("unknown chart '" + kind + "'; expected throughput, percentiles or timeline");
            }
            System.out.println("chart written to " + out);
            return 0;
        }
    }
}
