package dev.backendpatterns.common.load;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * One interval of a run's time series: what ended in it (by outcome and by error kind), its rate, its latency, and
 * the gauges sampled at its end. {@code tS} is the interval's end, in seconds since the measured run began.
 */
public record SeriesPoint(double tS, double intervalS, long completed, double throughputPerS, Map<String, Long> outcomes,
        Map<String, Long> errors, Latency latencyUs, Map<String, Long> gauges) {

    public SeriesPoint {
        outcomes = Collections.unmodifiableMap(new TreeMap<>(outcomes));
        errors = Collections.unmodifiableMap(new TreeMap<>(errors));
        gauges = Collections.unmodifiableMap(new LinkedHashMap<>(gauges));
    }

    /** Latency percentiles of the requests that ended in the interval, in microseconds (null when none did). */
    public record Latency(long p50, long p99, long max) {
    }
}
