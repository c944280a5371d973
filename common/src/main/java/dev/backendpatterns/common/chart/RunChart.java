package dev.backendpatterns.common.chart;

import dev.backendpatterns.common.load.SeriesPoint;
import dev.backendpatterns.common.report.HistogramCodec;
import dev.backendpatterns.common.report.RunResult;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The chart of one run ({@code --chart FILE.png}): on the left its latency percentile curve (with the dispatch lag, and
 * a messaging run's publish and end-to-end latency, when it has them); on the right its throughput and failures per
 * second over time, from the time series.
 */
public final class RunChart {
    private static final Map<String, String> CURVES = Map.of("latency", "request latency", "dispatch_lag", "dispatch lag",
            "publish_latency", "publish latency", "end_to_end_latency", "end-to-end latency");

    private RunChart() {
    }

    public static void write(RunResult result, Path file) {
        Map<String, Histogram> curves = new LinkedHashMap<>();
        result.histograms().forEach((name, encoded) -> curves.put(CURVES.getOrDefault(name, name.replace('_', ' ')),
                HistogramCodec.decode(encoded)));
        String title = result.pattern() + (result.parameters().get("algorithm") != null ? " " + result.parameters().get("algorithm") : "");
        JFreeChart percentiles = Charts.percentileChart(title + ": latency by percentile", curves);
        Charts.writePng(file, List.of(percentiles, throughput(title, result.series())), 760, 520);
    }

    static JFreeChart throughput(String title, List<SeriesPoint> series) {
        XYSeries done = new XYSeries("completed per second");
        XYSeries failed = new XYSeries("failed or timed out per second");
        boolean anyFailed = false;
        double nominal = series.stream().mapToDouble(SeriesPoint::intervalS).max().orElse(1);
        for (SeriesPoint point : series) {
            if (point.intervalS() < nominal / 2) {
                continue; // the run's last, partial interval: too short for a rate
            }
            done.add(point.tS(), point.throughputPerS());
            long bad = point.outcomes().getOrDefault("error", 0L) + point.outcomes().getOrDefault("timeout", 0L);
            anyFailed |= bad > 0;
            failed.add(point.tS(), point.intervalS() > 0 ? bad / point.intervalS() : 0);
        }
        XYSeriesCollection data = new XYSeriesCollection(done);
        if (anyFailed) {
            data.addSeries(failed);
        }
        NumberAxis time = new NumberAxis("time (s)");
        time.setAutoRangeIncludesZero(true);
        NumberAxis rate = new NumberAxis("per second");
        rate.setAutoRangeIncludesZero(true);
        XYPlot plot = new XYPlot(data, time, rate, null);
        JFreeChart chart = Charts.themed(new JFreeChart(title + ": throughput over time", JFreeChart.DEFAULT_TITLE_FONT, plot, true));
        plot.setRenderer(Charts.lines());
        return chart;
    }
}
