package dev.backendpatterns.common.results;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backendpatterns.common.cli.UsageException;
import dev.backendpatterns.common.load.Measurement;
import dev.backendpatterns.common.load.SeriesPoint;
import dev.backendpatterns.common.report.MemoryReport;
import dev.backendpatterns.common.report.Parameters;
import dev.backendpatterns.common.report.ResultJson;
import dev.backendpatterns.common.report.RunResult;
import dev.backendpatterns.common.report.ServerMemory;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class ResultMergeTest {

    private static Histogram latencies(long seed, int count, int scale) {
        Histogram h = new Histogram(3);
        Random random = new Random(seed);
        for (int i = 0; i < count; i++) {
            h.recordValue(1 + (long) (random.nextDouble() * random.nextDouble() * scale));
        }
        return h;
    }

    private static Map<String, Object> result(Histogram latency, long seed, String algorithm, long admitted) {
        return result(latency, seed, algorithm, Map.of("admitted", admitted));
    }

    private static Map<String, Object> result(Histogram latency, long seed, String algorithm, Map<String, Object> figures) {
        long n = latency.getTotalCount();
        SeriesPoint point = new SeriesPoint(1, 1, n, n, Map.of("ok", n), Map.of(), new SeriesPoint.Latency(1, 2, latency.getMaxValue()),
                Map.of());
        Measurement m = new Measurement(n, Map.of("ok", n), Map.of(), latency, null, 2_000_000_000L, true, null, List.of(point));
        Parameters p = new Parameters().put("--algorithm", "algorithm", algorithm).put("--seed", "seed", seed);
        RunResult r = RunResult.of("rate-limiter", List.of(), p, List.of(), m,
                new MemoryReport(ServerMemory.NONE, ServerMemory.NONE, 1L << 20), figures, Map.of());
        return ResultJson.parseTree(ResultJson.toJson(r));
    }

    @Test
    void mergedPercentilesAreThoseOfAllRequestsTogetherAndThroughputsAdd() {
        Histogram a = latencies(1, 20_000, 5_000);
        Histogram b = latencies(2, 30_000, 50_000);
        Map<String, Object> merged = ResultMerge.merge(List.of(result(a, 1, "gcra", 10), result(b, 2, "gcra", 15)), List.of("a", "b"));
        Histogram both = a.copy();
        both.add(b);
        Map<?, ?> latency = (Map<?, ?>) merged.get("latency_us");
        assertEquals(both.getValueAtPercentile(99), ((Number) latency.get("p99")).longValue());
        assertEquals(both.getValueAtPercentile(50), ((Number) latency.get("p50")).longValue());
        assertEquals(50_000L, ((Number) merged.get("requests")).longValue());
        assertEquals(10_000.0 + 15_000.0, ((Number) merged.get("throughput_per_s")).doubleValue(), 0.01);
        assertEquals(Map.of("ok", 50_000L), merged.get("outcomes"));
        assertEquals(25L, merged.get("admitted"), "a pattern's counts add up");
        assertEquals(50_000L, ((Map<?, ?>) ((List<?>) merged.get("series")).get(0)).get("completed"));
        assertEquals(2, ((List<?>) merged.get("merged_from")).size());
        assertTrue(merged.get("histograms") instanceof Map<?, ?> h && h.containsKey("latency"));
    }

    @Test
    void resultsOfDifferentWorkloadsAreRefused() {
        Histogram a = latencies(1, 100, 100);
        UsageException e = assertThrows(UsageException.class,
                () -> ResultMerge.merge(List.of(result(a, 1, "gcra", 1), result(a, 2, "token_bucket", 1)), List.of("a", "b")));
        assertTrue(e.getMessage().contains("parameter algorithm is gcra in a but token_bucket in b"), e.getMessage());
        assertThrows(UsageException.class, () -> ResultMerge.merge(List.of(result(a, 1, "gcra", 1)), List.of("a")));
    }

    @Test
    void ratiosAndPercentilesAreNotSummedButCountsAndRatesPerSecondAre() {
        Histogram a = latencies(1, 100, 100);
        Map<String, Object> one = Map.of("allowed", 10, "script_calls_per_decision", 0.25, "publish_per_s", 100.0,
                "false_positive_rate", 0.01, "latency_by_outcome_us", Map.of("allowed", Map.of("p99", 900, "count", 7)));
        Map<String, Object> two = Map.of("allowed", 30, "script_calls_per_decision", 0.5, "publish_per_s", 300.0,
                "false_positive_rate", 0.01, "latency_by_outcome_us", Map.of("allowed", Map.of("p99", 1_200, "count", 5)));
        Map<String, Object> merged = ResultMerge.merge(List.of(result(a, 1, "gcra", one), result(a, 2, "gcra", two)), List.of("a", "b"));
        assertEquals(40L, merged.get("allowed"));
        assertEquals(400.0, merged.get("publish_per_s"));
        assertEquals(List.of(0.25, 0.5), merged.get("script_calls_per_decision"), "a ratio per input, not their sum");
        assertEquals(0.01, merged.get("false_positive_rate"), "equal values kept");
        Map<?, ?> allowed = (Map<?, ?>) ((Map<?, ?>) merged.get("latency_by_outcome_us")).get("allowed");
        assertEquals(List.of(900L, 1_200L), ((List<?>) allowed.get("p99")).stream().map(v -> ((Number) v).longValue()).toList(),
                "percentiles of two runs do not add");
        assertEquals(12L, allowed.get("count"));
    }
}
