package dev.backendpatterns.common.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backendpatterns.common.load.Measurement;
import dev.backendpatterns.common.load.SeriesPoint;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class RunResultJsonTest {

    static RunResult sample() {
        Histogram latency = new Histogram(3);
        for (int i = 1; i <= 1000; i++) {
            latency.recordValue(i);
        }
        Histogram lag = new Histogram(3);
        lag.recordValue(5);
        SeriesPoint point = new SeriesPoint(1.0, 1.0, 1000, 1000.0, Map.of("allowed", 990L, "error", 10L),
                Map.of("RedisCommandTimeoutException: Command timed out", 10L), new SeriesPoint.Latency(500, 990, 1000),
                Map.of("in_transit", 3L));
        Measurement m = new Measurement(1000, Map.of("allowed", 990L, "error", 10L),
                Map.of("RedisCommandTimeoutException: Command timed out", 10L), latency, lag, 1_000_000_000L, false,
                "interrupted by SIGINT", List.of(point));
        Parameters p = new Parameters().put("--algorithm", "algorithm", "token_bucket").put("--requests", "requests", 1000L)
                .put("--refill-rate", "refill_rate", 1000.0).derived("seed", 7L);
        BackendInfo redis = new BackendInfo("redis", "standalone", "valkey", "8.0.1", true, 1, "embedded Redis 127.0.0.1:1",
                Map.of("masters", 1));
        BackendInfo cql = new BackendInfo("cql", "standalone", "cassandra", "5.0.6", true, 1, "127.0.0.1:9042", Map.of());
        List<BackendReport> backends = List.of(
                BackendReport.of(redis, new ServerMemory(100L, 200L, 300L, 1), new ServerMemory(150L, 250L, 350L, 1)),
                BackendReport.of(cql, ServerMemory.resident(1_000L, 1), ServerMemory.resident(2_000L, 1)));
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("admitted", 990L);
        figures.put("on_error", "allow");
        figures.put("out_of_order", null); // not tracked in this run
        Histogram e2e = new Histogram(3);
        e2e.recordValue(42);
        figures.put("end_to_end_latency_us", LatencySummary.of(e2e));
        figures.put("orders", Map.of("publish_latency_us", LatencySummary.of(e2e)));
        return RunResult.of("rate-limiter", List.of("--algorithm=token_bucket"), p, backends, m,
                new MemoryReport(new ServerMemory(100L, 1200L, 300L, 2), new ServerMemory(150L, 2250L, 350L, 2), 64L << 20),
                figures, Map.of("end_to_end_latency", e2e));
    }

    @Test
    void theJsonKeepsTheFieldNamesUsersRelyOnAndAddsSchema2() {
        Map<String, Object> json = ResultJson.parseTree(ResultJson.toJson(sample()));
        assertEquals(2L, json.get("schema_version"));
        assertEquals(List.of("schema_version", "pattern", "command_line", "parameters", "backends", "complete", "stop_reason",
                "requests", "outcomes", "errors", "elapsed_s", "throughput_per_s", "latency_us", "dispatch_lag_us", "memory"),
                List.copyOf(json.keySet()).subList(0, 15));
        assertEquals(Map.of("allowed", 990L, "error", 10L), json.get("outcomes"));
        assertEquals(1000.0, json.get("throughput_per_s"));
        assertEquals(Boolean.FALSE, json.get("complete"));
        assertEquals("interrupted by SIGINT", json.get("stop_reason"));
        Map<?, ?> latency = (Map<?, ?>) json.get("latency_us");
        assertEquals(500L, latency.get("p50"));
        assertEquals(1000L, latency.get("max"));
        assertEquals(990L, json.get("admitted"), "a pattern's figures sit at the top level");
        assertEquals("allow", json.get("on_error"));
        Map<?, ?> parameters = (Map<?, ?>) json.get("parameters");
        assertEquals("token_bucket", parameters.get("algorithm"));
        assertEquals(7L, parameters.get("seed"));
        List<?> backends = (List<?>) json.get("backends");
        assertEquals(2, backends.size());
        Map<?, ?> redis = (Map<?, ?>) backends.get(0);
        assertEquals("redis", redis.get("kind"));
        assertEquals(1L, redis.get("masters"), "a backend's details sit next to its common fields");
        assertEquals(250L, ((Map<?, ?>) redis.get("memory_after")).get("rss_bytes"));
        Map<?, ?> cassandra = (Map<?, ?>) backends.get(1);
        assertNull(((Map<?, ?>) cassandra.get("memory_after")).get("used_bytes"), "a JVM server's used memory is unknown, not 0");
        Map<?, ?> memory = (Map<?, ?>) json.get("memory");
        assertEquals(2250L, ((Map<?, ?>) memory.get("server_after")).get("rss_bytes"));
        assertEquals(64L << 20, memory.get("client_heap_peak_bytes"));
        Map<?, ?> point = (Map<?, ?>) ((List<?>) json.get("series")).get(0);
        assertEquals(1.0, point.get("t_s"));
        assertEquals(Map.of("p50", 500L, "p99", 990L, "max", 1000L), point.get("latency_us"));
        assertEquals(Map.of("in_transit", 3L), point.get("gauges"));
        assertTrue(((Map<?, ?>) json.get("machine")).get("cores") instanceof Long);
    }

    @Test
    void histogramsTravelWholeAndExact() {
        RunResult result = sample();
        Map<String, Object> json = ResultJson.parseTree(ResultJson.toJson(result));
        Map<?, ?> histograms = (Map<?, ?>) json.get("histograms");
        assertEquals(List.of("latency", "dispatch_lag", "end_to_end_latency"), List.copyOf(histograms.keySet()));
        Histogram back = HistogramCodec.decode((String) histograms.get("latency"));
        assertEquals(1000, back.getTotalCount());
        assertEquals(result.latencyHistogram().getValueAtPercentile(99.9), back.getValueAtPercentile(99.9));
        assertEquals(42, HistogramCodec.decode((String) histograms.get("end_to_end_latency")).getMaxValue());
    }

    @Test
    void theParametersPrintAsACommandLine() {
        assertEquals("--algorithm=token_bucket --requests=1000 --refill-rate=1000 seed=7", sample().parameters().commandLine());
    }

    @Test
    void theSummarySaysTheRunIsIncompleteAndChecksLittlesLaw() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        RunSummary.print(sample(), new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String text = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("parameters   --algorithm=token_bucket --requests=1000"), text);
        assertTrue(text.contains("requests     1,000 in 1.000 s = 1,000 requests/s"), text);
        assertTrue(text.contains("INCOMPLETE   interrupted by SIGINT"), text);
        assertTrue(text.contains("in flight    0.5 on average (Little's law"), text);
        assertTrue(text.contains("send lag us"), text);
        assertFalse(text.contains("{"), "no Java map syntax: " + text);
    }
}
