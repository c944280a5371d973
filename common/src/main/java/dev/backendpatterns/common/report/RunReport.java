package dev.backendpatterns.common.report;

import dev.backendpatterns.common.load.LoadRunner;
import dev.backendpatterns.common.load.Measurement;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * The one result format of the suite: a pattern's parameters, the backend that answered, what the load
 * runner measured, server and client memory, the machine, and any pattern-specific figures. Printed for
 * people, written as JSON for scripts ({@link #SCHEMA_VERSION}), and as HdrHistogram's percentile table.
 */
public final class RunReport {
    public static final int SCHEMA_VERSION = 1;

    private final String pattern;
    private final Map<String, Object> parameters;
    private final Map<String, Object> backend;
    private final Measurement measurement;
    private final ServerMemory serverBefore;
    private final ServerMemory serverAfter;
    private final long clientHeapPeakBytes;
    private final Map<String, Object> extra;

    public RunReport(String pattern, Map<String, Object> parameters, Map<String, Object> backend, Measurement measurement,
            ServerMemory serverBefore, ServerMemory serverAfter, long clientHeapPeakBytes, Map<String, Object> extra) {
        if (pattern == null || pattern.isBlank()) {
            throw new IllegalArgumentException("pattern is required");
        }
        this.pattern = pattern;
        this.parameters = new LinkedHashMap<>(parameters);
        this.backend = new LinkedHashMap<>(backend);
        this.measurement = measurement;
        this.serverBefore = serverBefore;
        this.serverAfter = serverAfter;
        this.clientHeapPeakBytes = clientHeapPeakBytes;
        this.extra = new LinkedHashMap<>(extra);
    }

    public Measurement measurement() {
        return measurement;
    }

    public Map<String, Object> toMap() {
        Histogram h = measurement.latencyMicros();
        Map<String, Object> latency = new LinkedHashMap<>();
        latency.put("p50", h.getValueAtPercentile(50));
        latency.put("p90", h.getValueAtPercentile(90));
        latency.put("p99", h.getValueAtPercentile(99));
        latency.put("p999", h.getValueAtPercentile(99.9));
        latency.put("max", h.getMaxValue());
        latency.put("mean", Math.round(h.getMean() * 10) / 10.0);

        Map<String, Object> memory = new LinkedHashMap<>();
        memory.put("server_before", serverBefore == null ? null : serverBefore.toMap());
        memory.put("server_after", serverAfter == null ? null : serverAfter.toMap());
        memory.put("client_heap_peak_bytes", clientHeapPeakBytes);

        Map<String, Object> map = new LinkedHashMap<>();
        map.put("schema_version", SCHEMA_VERSION);
        map.put("pattern", pattern);
        map.put("parameters", parameters);
        map.put("backend", backend);
        map.put("requests", measurement.sent());
        map.put("aborted", measurement.abortReason());
        map.put("outcomes", new LinkedHashMap<>(measurement.outcomes()));
        map.put("errors", new LinkedHashMap<>(measurement.errors()));
        map.put("elapsed_s", round(measurement.elapsedSeconds(), 3));
        map.put("throughput_per_s", round(measurement.throughputPerSecond(), 1));
        map.put("latency_us", latency);
        map.put("memory", memory);
        map.putAll(extra);
        map.put("machine", MachineInfo.describe());
        return map;
    }

    private static double round(double value, int digits) {
        double scale = Math.pow(10, digits);
        return Math.round(value * scale) / scale;
    }

    /** The human summary. */
    public void print(PrintStream out) {
        Histogram h = measurement.latencyMicros();
        out.printf(Locale.ROOT, "%s on %s%n", pattern, backend.getOrDefault("endpoint", backend.get("kind")));
        out.printf(Locale.ROOT, "  parameters   %s%n", parameters);
        out.printf(Locale.ROOT, "  requests     %,d in %.3f s = %,.0f requests/s%n", measurement.sent(),
                measurement.elapsedSeconds(), measurement.throughputPerSecond());
        StringBuilder outcomes = new StringBuilder();
        measurement.outcomes().forEach((name, count) -> outcomes.append(String.format(Locale.ROOT, "%s %,d (%.2f%%)  ",
                name, count, measurement.sent() == 0 ? 0.0 : 100.0 * count / measurement.sent())));
        out.printf(Locale.ROOT, "  outcomes     %s%n", outcomes.toString().trim());
        measurement.errors().forEach((kind, count) -> out.printf(Locale.ROOT, "  error        %,d x %s%n", count, kind));
        out.printf(Locale.ROOT, "  latency us   p50 %,d  p90 %,d  p99 %,d  p99.9 %,d  max %,d%n",
                h.getValueAtPercentile(50), h.getValueAtPercentile(90), h.getValueAtPercentile(99),
                h.getValueAtPercentile(99.9), h.getMaxValue());
        if (serverBefore != null && serverAfter != null) {
            out.printf(Locale.ROOT, "  server mem   used %s -> %s, rss %s -> %s, peak %s (%d node%s)%n",
                    mib(serverBefore.usedBytes()), mib(serverAfter.usedBytes()), mib(serverBefore.rssBytes()),
                    mib(serverAfter.rssBytes()), mib(serverAfter.peakBytes()), serverAfter.nodes(),
                    serverAfter.nodes() == 1 ? "" : "s");
        }
        out.printf(Locale.ROOT, "  client heap  peak %s%n", mib(clientHeapPeakBytes));
        extra.forEach((k, v) -> out.printf(Locale.ROOT, "  %-12s %s%n", k.replace('_', ' '), v));
        if (measurement.abortReason() != null) {
            out.printf(Locale.ROOT, "  ABORTED      %s%n", measurement.abortReason());
        }
        if (measurement.outcome(LoadRunner.ERROR) > 0) {
            out.printf(Locale.ROOT, "  WARNING      %,d requests failed: see the errors above%n", measurement.outcome(LoadRunner.ERROR));
        }
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024));
    }

    public void writeJson(Path file) {
        Json.writeFile(file, toMap());
    }

    public void writeHgrm(Path file) {
        try (PrintStream out = new PrintStream(Files.newOutputStream(file), false, StandardCharsets.UTF_8)) {
            measurement.latencyMicros().outputPercentileDistribution(out, 1.0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
