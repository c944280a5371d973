package dev.backendpatterns.common.chart;

import java.awt.Font;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.labels.ItemLabelAnchor;
import org.jfree.chart.labels.ItemLabelPosition;
import org.jfree.chart.labels.StandardCategoryItemLabelGenerator;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** Charts that compare runs, for the README: throughput as bars, and latency percentile curves overlaid. */
public final class ComparisonChart {
    private ComparisonChart() {
    }

    /** One bar of a bar chart: its category (the x label), its series (the legend), its value. */
    public record Bar(String category, String series, double value) {
    }

    /** Bars of {@code valueLabel} per category, one colour per series, each bar labelled with its value. */
    public static void bars(Path file, String title, String valueLabel, List<Bar> bars, int width, int height) {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        for (Bar bar : bars) {
            data.addValue(bar.value(), bar.series(), bar.category());
        }
        CategoryAxis categories = new CategoryAxis();
        categories.setCategoryLabelPositions(CategoryLabelPositions.UP_45);
        categories.setMaximumCategoryLabelLines(2);
        NumberAxis values = new NumberAxis(valueLabel);
        values.setNumberFormatOverride(new DecimalFormat("#,##0"));
        values.setUpperMargin(0.15);
        BarRenderer renderer = new BarRenderer();
        renderer.setBarPainter(new StandardBarPainter());
        renderer.setShadowVisible(false);
        renderer.setItemMargin(0.05);
        for (int i = 0; i < Charts.PALETTE.length; i++) {
            renderer.setSeriesPaint(i, Charts.PALETTE[i]);
        }
        renderer.setDefaultItemLabelGenerator(new StandardCategoryItemLabelGenerator("{2}", new DecimalFormat("#,##0")));
        renderer.setDefaultItemLabelsVisible(true);
        renderer.setDefaultItemLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
        renderer.setDefaultPositiveItemLabelPosition(new ItemLabelPosition(ItemLabelAnchor.OUTSIDE12, TextAnchor.BOTTOM_CENTER));
        CategoryPlot plot = new CategoryPlot(data, categories, values, null);
        plot.setOrientation(PlotOrientation.VERTICAL);
        JFreeChart chart = Charts.themed(new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, true));
        plot.setRenderer(renderer); // after the theme, which would repaint the bars
        Charts.writePng(file, List.of(chart), width, height);
    }

    /** Latency percentile curves, one per named histogram (microseconds), overlaid. */
    public static void percentiles(Path file, String title, Map<String, Histogram> curves, int width, int height) {
        Charts.writePng(file, List.of(Charts.percentileChart(title, curves)), width, height);
    }

    /** Curves of a value over time, one per named list of (seconds, value) points, overlaid. */
    public static void timeline(Path file, String title, String valueLabel, Map<String, List<double[]>> curves, int width, int height) {
        XYSeriesCollection data = new XYSeriesCollection();
        for (Map.Entry<String, List<double[]>> curve : curves.entrySet()) {
            XYSeries series = new XYSeries(curve.getKey(), false, true);
            for (double[] point : curve.getValue()) {
                series.add(point[0], point[1]);
            }
            data.addSeries(series);
        }
        NumberAxis time = new NumberAxis("time (s)");
        time.setAutoRangeIncludesZero(true);
        NumberAxis values = new NumberAxis(valueLabel);
        values.setAutoRangeIncludesZero(true);
        XYPlot plot = new XYPlot(data, time, values, null);
        JFreeChart chart = Charts.themed(new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, true));
        plot.setRenderer(Charts.lines());
        Charts.writePng(file, List.of(chart), width, height);
    }
}
