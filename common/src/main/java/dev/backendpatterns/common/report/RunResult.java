package dev.backendpatterns.common.report;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.backendpatterns.common.load.Measurement;
import dev.backendpatterns.common.load.SeriesPoint;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * The one result format of the suite (JSON schema {@value #SCHEMA_VERSION}): the command and its parameters, the
 * backends that answered, what the load runner measured (outcomes that add up to the requests sent, errors by kind,
 * throughput, latency and, in open loop, the client's dispatch lag; per outcome when the pattern asked), memory, the time series, the pattern's own
 * figures (at the top level, next to the common ones), every histogram whole, and the machine. {@code complete} is
 * false when the run was stopped early or aborted, and {@code stopReason} says why.
 */
@JsonPropertyOrder({"schema_version", "pattern", "command_line", "parameters", "backends", "complete", "stop_reason",
        "requests", "outcomes", "errors", "elapsed_s", "throughput_per_s", "latency_us", "dispatch_lag_us",
        "latency_by_outcome_us", "memory"})
public record RunResult(int schemaVersion, String pattern, List<String> commandLine, Parameters parameters,
        List<BackendReport> backends, boolean complete, String stopReason, long requests, Map<String, Long> outcomes,
        Map<String, Long> errors, double elapsedS, double throughputPerS, LatencySummary latencyUs,
        LatencySummary dispatchLagUs, @JsonInclude(JsonInclude.Include.NON_NULL) Map<String, LatencySummary> latencyByOutcomeUs,
        MemoryReport memory,
        @JsonAnyGetter Map<String, Object> figures,
        List<SeriesPoint> series, Map<String, String> histograms, Machine machine) {

    public static final int SCHEMA_VERSION = 2;

    public RunResult {
        figures = Collections.unmodifiableMap(new LinkedHashMap<>(figures));
        histograms = Collections.unmodifiableMap(new LinkedHashMap<>(histograms));
    }

    /**
     * The result of {@code measurement}, with the pattern's {@code figures} and its extra {@code histograms} (publish and
     * end-to-end latency of a messaging run), which are written whole next to the request latency.
     */
    public static RunResult of(String pattern, List<String> commandLine, Parameters parameters, List<BackendReport> backends,
            Measurement measurement, MemoryReport memory, Map<String, Object> figures, Map<String, Histogram> histograms) {
        Map<String, String> encoded = new LinkedHashMap<>();
        encoded.put("latency", HistogramCodec.encode(measurement.latencyMicros()));
        Histogram lag = measurement.dispatchLagMicros();
        if (lag != null) {
            encoded.put("dispatch_lag", HistogramCodec.encode(lag));
        }
        histograms.forEach((name, h) -> encoded.put(name, HistogramCodec.encode(h)));
        return new RunResult(SCHEMA_VERSION, pattern, commandLine, parameters, backends, measurement.complete(),
                measurement.stopReason(), measurement.sent(), measurement.outcomes(), measurement.errors(),
                Math.round(measurement.elapsedSeconds() * 1000) / 1000.0,
                Math.round(measurement.throughputPerSecond() * 10) / 10.0, LatencySummary.of(measurement.latencyMicros()),
                lag == null ? null : LatencySummary.of(lag), byOutcome(measurement), memory, figures, measurement.series(), encoded,
                Machine.current());
    }

    private static Map<String, LatencySummary> byOutcome(Measurement measurement) {
        if (measurement.latencyByOutcome().isEmpty()) {
            return null;
        }
        Map<String, LatencySummary> summaries = new LinkedHashMap<>();
        measurement.latencyByOutcome().forEach((name, h) -> summaries.put(name, LatencySummary.of(h)));
        return summaries;
    }

    /** The request latency histogram, decoded. */
    public Histogram latencyHistogram() {
        return HistogramCodec.decode(histograms.get("latency"));
    }
}
