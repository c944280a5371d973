package dev.backendpatterns.common.chart;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.HdrHistogram.Histogram;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.StandardChartTheme;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** What the suite's charts share: the theme, the colours, percentile curves, and PNG files of one or more panels. */
final class Charts {
    static final Color[] PALETTE = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0xff7f0e),
        new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f), new Color(0xbcbd22),
        new Color(0x17becf)};
    private static final int CURVE_POINTS = 240;

    static {
        System.setProperty("java.awt.headless", "true");
    }

    private Charts() {
    }

    /** A plot of latency (ms) against percentile, one curve per named histogram (microseconds). */
    static JFreeChart percentileChart(String title, Map<String, Histogram> curves) {
        XYSeriesCollection data = new XYSeriesCollection();
        for (Map.Entry<String, Histogram> curve : curves.entrySet()) {
            Histogram h = curve.getValue();
            if (h.getTotalCount() == 0) {
                continue;
            }
            XYSeries series = new XYSeries(curve.getKey(), false, true);
            double from = Math.log10(PercentileAxis.position(PercentileAxis.FROM));
            double to = Math.log10(PercentileAxis.position(PercentileAxis.TO));
            for (int i = 0; i <= CURVE_POINTS; i++) {
                double x = Math.pow(10, from + (to - from) * i / CURVE_POINTS);
                double p = 100 * (1 - 1 / x);
                series.add(x, h.getValueAtPercentile(p) / 1000.0);
            }
            data.addSeries(series);
        }
        NumberAxis latency = new NumberAxis("latency (ms)");
        latency.setAutoRangeIncludesZero(true);
        XYPlot plot = new XYPlot(data, PercentileAxis.create(), latency, null);
        JFreeChart chart = themed(new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, true));
        plot.setRenderer(lines());
        return chart;
    }

    /** A renderer of thick lines without markers, in the palette's colours: set it after the theme, which would repaint it. */
    static XYLineAndShapeRenderer lines() {
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
        for (int i = 0; i < PALETTE.length; i++) {
            renderer.setSeriesPaint(i, PALETTE[i]);
            renderer.setSeriesStroke(i, new BasicStroke(2.2f));
        }
        return renderer;
    }

    static JFreeChart themed(JFreeChart chart) {
        StandardChartTheme theme = (StandardChartTheme) StandardChartTheme.createJFreeTheme();
        theme.setExtraLargeFont(new Font(Font.SANS_SERIF, Font.BOLD, 18));
        theme.setLargeFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        theme.setRegularFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        theme.setSmallFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        theme.setChartBackgroundPaint(Color.WHITE);
        theme.setPlotBackgroundPaint(Color.WHITE);
        theme.setDomainGridlinePaint(new Color(0xdddddd));
        theme.setRangeGridlinePaint(new Color(0xdddddd));
        theme.apply(chart);
        return chart;
    }

    /** Draws {@code panels} side by side, each {@code width} x {@code height}, into a PNG file. */
    static void writePng(Path file, List<JFreeChart> panels, int width, int height) {
        BufferedImage image = new BufferedImage(width * panels.size(), height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, image.getWidth(), image.getHeight());
            for (int i = 0; i < panels.size(); i++) {
                panels.get(i).draw(g, new Rectangle2D.Double(i * width, 0, width, height));
            }
        } finally {
            g.dispose();
        }
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            if (!ImageIO.write(image, "png", file.toFile())) {
                throw new IllegalStateException("no PNG writer in this JDK");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the chart " + file + ": " + e.getMessage(), e);
        }
    }
}
