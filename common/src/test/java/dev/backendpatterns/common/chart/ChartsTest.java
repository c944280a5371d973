package dev.backendpatterns.common.chart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backendpatterns.common.load.SeriesPoint;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.HdrHistogram.Histogram;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.data.xy.XYDataset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the charts plot: the values behind the pixels, and that each series is drawn in its own colour. */
class ChartsTest {
    @TempDir
    Path dir;

    @Test
    void thePercentileAxisSpacesNinetyNinetyNineAndNinetyNinePointNineEvenlyOnALogScale() {
        assertEquals(10, PercentileAxis.position(90), 1e-9);
        assertEquals(100, PercentileAxis.position(99), 1e-9);
        assertEquals(1000, PercentileAxis.position(99.9), 1e-6);
        assertEquals(100_000, PercentileAxis.position(99.999), 1e-3);
        LogAxis axis = PercentileAxis.create();
        assertTrue(axis.getLowerBound() < 10 && axis.getUpperBound() > 100_000, "90% and 99.999% are on the axis");
        assertEquals("90%", axis.getNumberFormatOverride().format(10.0));
        assertEquals("99.9%", axis.getNumberFormatOverride().format(1000.0));
        assertEquals("99.999%", axis.getNumberFormatOverride().format(100_000.0));
    }

    @Test
    void aPercentileCurveRunsFromNinetyToNinetyNinePointNineNineNineInMillisecondsAndNeverFalls() {
        Histogram fast = new Histogram(3);
        Histogram slow = new Histogram(3);
        for (int i = 1; i <= 100_000; i++) {
            fast.recordValue(i % 1000 + 1); // 1..1000 us, evenly
            slow.recordValue(i % 100 == 0 ? 50_000 : 2_000); // 2 ms, and 50 ms for 1% of requests
        }
        Map<String, Histogram> curves = new LinkedHashMap<>();
        curves.put("fast", fast);
        curves.put("slow", slow);
        curves.put("empty", new Histogram(3));
        JFreeChart chart = Charts.percentileChart("t", curves);
        XYDataset data = ((XYPlot) chart.getPlot()).getDataset();
        assertEquals(2, data.getSeriesCount(), "an empty histogram draws no curve");
        assertEquals("fast", data.getSeriesKey(0));
        int last = data.getItemCount(0) - 1;
        assertEquals(10, data.getXValue(0, 0), 1e-6, "starts at 90%");
        assertEquals(100_000, data.getXValue(0, last), 1e-2, "ends at 99.999%");
        assertEquals(0.9, data.getYValue(0, 0), 0.01, "the fast curve's p90 in ms");
        assertEquals(1.0, data.getYValue(0, last), 0.01, "and its p99.999");
        assertEquals(2.0, data.getYValue(1, 0), 0.01, "the slow curve's p90");
        assertEquals(50.0, data.getYValue(1, last), 0.1, "the slow curve's tail");
        for (int s = 0; s < 2; s++) {
            for (int i = 1; i <= last; i++) {
                assertTrue(data.getYValue(s, i) >= data.getYValue(s, i - 1), "a percentile curve never falls");
            }
        }
    }

    @Test
    void theThroughputChartSkipsTheLastPartialIntervalAndShowsFailuresOnlyWhenThereAreAny() {
        List<SeriesPoint> series = new ArrayList<>();
        for (int t = 1; t <= 5; t++) {
            series.add(point(t, 1, 1000L * t, t == 3 ? 7 : 0));
        }
        series.add(point(5.2, 0.2, 100, 0)); // the run's last 0.2 s
        XYDataset data = ((XYPlot) RunChart.throughput("t", series).getPlot()).getDataset();
        assertEquals(2, data.getSeriesCount(), "completed, and failed because one interval had failures");
        assertEquals(5, data.getItemCount(0));
        for (int i = 0; i < 5; i++) {
            assertEquals(i + 1, data.getXValue(0, i), 1e-9);
            assertEquals(1000.0 * (i + 1), data.getYValue(0, i), 1e-9);
        }
        assertEquals(7, data.getYValue(1, 2), 1e-9, "7 timeouts in the third second");
        List<SeriesPoint> healthy = List.of(point(1, 1, 1000, 0), point(2, 1, 1000, 0));
        assertEquals(1, ((XYPlot) RunChart.throughput("t", healthy).getPlot()).getDataset().getSeriesCount());
    }

    @Test
    void eachSeriesOfABarChartIsDrawnInItsOwnColour() throws Exception {
        Path png = dir.resolve("bars.png");
        ComparisonChart.bars(png, "throughput", "requests/s", List.of(new ComparisonChart.Bar("standalone", "noop", 300_000),
                new ComparisonChart.Bar("standalone", "token_bucket", 150_000), new ComparisonChart.Bar("cluster", "noop", 160_000),
                new ComparisonChart.Bar("cluster", "token_bucket", 70_000)), 800, 500);
        BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(800, image.getWidth());
        assertEquals(500, image.getHeight());
        for (Color colour : new Color[] {Charts.PALETTE[0], Charts.PALETTE[1]}) {
            long pixels = 0;
            for (int x = 0; x < image.getWidth(); x++) {
                for (int y = 0; y < image.getHeight(); y++) {
                    pixels += (image.getRGB(x, y) & 0xffffff) == (colour.getRGB() & 0xffffff) ? 1 : 0;
                }
            }
            assertTrue(pixels > 1_000, "bars in " + colour + ": " + pixels + " pixels");
        }
    }

    private static SeriesPoint point(double t, double interval, long completed, long timeouts) {
        Map<String, Long> outcomes = new LinkedHashMap<>();
        outcomes.put("ok", completed);
        if (timeouts > 0) {
            outcomes.put("timeout", timeouts);
        }
        return new SeriesPoint(t, interval, completed + timeouts, completed / interval, outcomes, Map.of(), null, Map.of());
    }
}
