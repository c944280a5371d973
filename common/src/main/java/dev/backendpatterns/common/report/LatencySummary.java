package dev.backendpatterns.common.report;

import org.HdrHistogram.Histogram;

/** A latency histogram's figures in microseconds; every field is null when the histogram is empty. */
public record LatencySummary(long count, Long p50, Long p90, Long p99, Long p999, Long p9999, Long max, Double mean) {

    public static LatencySummary of(Histogram h) {
        if (h == null || h.getTotalCount() == 0) {
            return new LatencySummary(0, null, null, null, null, null, null, null);
        }
        return new LatencySummary(h.getTotalCount(), h.getValueAtPercentile(50), h.getValueAtPercentile(90),
                h.getValueAtPercentile(99), h.getValueAtPercentile(99.9), h.getValueAtPercentile(99.99), h.getMaxValue(),
                Math.round(h.getMean() * 10) / 10.0);
    }

    public boolean empty() {
        return count == 0;
    }
}
