package dev.backendpatterns.common.load;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * What one run measured: how many requests were sent and how each ended (the counts always add up to what was
 * sent), their latency in microseconds, the client's dispatch lag in open loop, the time series, and how long the
 * run took. {@code complete} is false when the run was stopped early (Ctrl-C) or aborted; {@code stopReason} says why.
 */
public final class Measurement {
    private final long sent;
    private final Map<String, Long> outcomes;
    private final Map<String, Long> errors;
    private final Histogram latencyMicros;
    private final Histogram dispatchLagMicros;
    private final long elapsedNanos;
    private final String stopReason;
    private final boolean complete;
    private final List<SeriesPoint> series;
    private Map<String, Histogram> latencyByOutcome = Map.of();

    public Measurement(long sent, Map<String, Long> outcomes, Map<String, Long> errors, Histogram latencyMicros,
            Histogram dispatchLagMicros, long elapsedNanos, boolean complete, String stopReason, List<SeriesPoint> series) {
        if (sent < 0 || elapsedNanos < 0) {
            throw new IllegalArgumentException("sent and elapsed must not be negative");
        }
        long total = outcomes.values().stream().mapToLong(Long::longValue).sum();
        if (total != sent) {
            throw new IllegalStateException("outcomes add up to " + total + " but " + sent + " requests were sent");
        }
        this.sent = sent;
        this.outcomes = Collections.unmodifiableMap(new TreeMap<>(outcomes));
        this.errors = Collections.unmodifiableMap(new TreeMap<>(errors));
        this.latencyMicros = latencyMicros.copy();
        this.dispatchLagMicros = dispatchLagMicros == null ? null : dispatchLagMicros.copy();
        this.elapsedNanos = elapsedNanos;
        this.complete = complete;
        this.stopReason = stopReason;
        this.series = List.copyOf(series);
    }

    /** A measurement of {@code sent} requests without series or dispatch lag (tests, replays). */
    public static Measurement of(long sent, Map<String, Long> outcomes, Map<String, Long> errors, Histogram latencyMicros,
            long elapsedNanos) {
        return new Measurement(sent, outcomes, errors, latencyMicros, null, elapsedNanos, true, null, List.of());
    }

    public long sent() {
        return sent;
    }

    /** Requests by outcome name; the counts add up to {@link #sent()}. */
    public Map<String, Long> outcomes() {
        return outcomes;
    }

    public long outcome(String name) {
        return outcomes.getOrDefault(name, 0L);
    }

    /** Requests that failed or timed out. */
    public long failed() {
        return outcome(LoadRunner.ERROR) + outcome(LoadRunner.TIMEOUT);
    }

    /** Failed requests by kind of error; they add up to {@code outcome("error")}. */
    public Map<String, Long> errors() {
        return errors;
    }

    public Histogram latencyMicros() {
        return latencyMicros.copy();
    }

    /** How late each request left against its intended start (open loop), or null in closed loop. */
    public Histogram dispatchLagMicros() {
        return dispatchLagMicros == null ? null : dispatchLagMicros.copy();
    }

    public long elapsedNanos() {
        return elapsedNanos;
    }

    public double elapsedSeconds() {
        return elapsedNanos / 1e9;
    }

    public double throughputPerSecond() {
        return elapsedNanos == 0 ? 0 : sent / elapsedSeconds();
    }

    /** False when the run stopped before doing all it planned: see {@link #stopReason()}. */
    public boolean complete() {
        return complete;
    }

    /** Why the run stopped before doing all it planned, or null. */
    public String stopReason() {
        return stopReason;
    }

    public List<SeriesPoint> series() {
        return series;
    }

    /** This measurement with a latency histogram per outcome (see {@link RunnerSettings#latencyByOutcome()}). */
    Measurement withLatencyByOutcome(Map<String, Histogram> histograms) {
        Measurement m = new Measurement(sent, outcomes, errors, latencyMicros, dispatchLagMicros, elapsedNanos, complete,
                stopReason, series);
        m.latencyByOutcome = Collections.unmodifiableMap(new TreeMap<>(histograms));
        return m;
    }

    /** Latency by outcome name, in microseconds; empty unless the runner was asked to keep it. */
    public Map<String, Histogram> latencyByOutcome() {
        return latencyByOutcome;
    }

    /**
     * This run and {@code other}, which went on at the same time, taken as one: counts and histograms added, the longer
     * elapsed time. The time series are not combined (the merged measurement has none).
     */
    public Measurement merge(Measurement other) {
        Histogram latency = latencyMicros.copy();
        latency.add(other.latencyMicros);
        Histogram lag = dispatchLagMicros == null ? other.dispatchLagMicros : dispatchLagMicros.copy();
        if (dispatchLagMicros != null && other.dispatchLagMicros != null) {
            lag.add(other.dispatchLagMicros);
        }
        return new Measurement(sent + other.sent, sum(outcomes, other.outcomes), sum(errors, other.errors), latency, lag,
                Math.max(elapsedNanos, other.elapsedNanos), complete && other.complete,
                stopReason != null ? stopReason : other.stopReason, List.of());
    }

    private static Map<String, Long> sum(Map<String, Long> a, Map<String, Long> b) {
        Map<String, Long> result = new TreeMap<>(a);
        b.forEach((k, v) -> result.merge(k, v, Long::sum));
        return result;
    }
}
