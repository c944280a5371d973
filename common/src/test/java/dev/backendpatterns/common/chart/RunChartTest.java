package dev.backendpatterns.common.chart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backendpatterns.common.load.Measurement;
import dev.backendpatterns.common.load.SeriesPoint;
import dev.backendpatterns.common.report.MemoryReport;
import dev.backendpatterns.common.report.Parameters;
import dev.backendpatterns.common.report.RunResult;
import dev.backendpatterns.common.report.ServerMemory;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunChartTest {
    @TempDir
    Path dir;

    @Test
    void drawsThePercentileCurveAndTheThroughputSideBySide() throws Exception {
        Histogram latency = new Histogram(3);
        for (int i = 1; i <= 100_000; i++) {
            latency.recordValue(100 + i % 1000 + (i % 997 == 0 ? 20_000 : 0));
        }
        List<SeriesPoint> series = new ArrayList<>();
        for (int t = 1; t <= 10; t++) {
            series.add(new SeriesPoint(t, 1, 10_000, 10_000, Map.of("ok", 10_000L), Map.of(), new SeriesPoint.Latency(500, 900, 20_000), Map.of()));
        }
        Measurement m = new Measurement(100_000, Map.of("ok", 100_000L), Map.of(), latency, null, 10_000_000_000L, true, null, series);
        RunResult r = RunResult.of("rate-limiter", List.of(), new Parameters().put("--algorithm", "algorithm", "gcra"), List.of(), m,
                new MemoryReport(ServerMemory.NONE, ServerMemory.NONE, 0), Map.of(), Map.of());
        Path png = dir.resolve("run.png");
        RunChart.write(r, png);
        BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(1520, image.getWidth());
        assertEquals(520, image.getHeight());
        long distinct = IntStream.range(0, 200).map(i -> image.getRGB(100 + i * 6, 260)).distinct().count();
        assertTrue(distinct > 1, "something was drawn");
    }
}
