package dev.backendpatterns.common.load;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * What one run measured: how many requests were sent, how each ended, their latency in microseconds and
 * how long the run took. Immutable; {@link #merge} combines runs that went on side by side.
 */
public final class Measurement {
    private final long sent;
    private final Map<String, Long> outcomes;
    private final Map<String, Long> errors;
    private final Histogram latencyMicros;
    private final long elapsedNanos;
    private final String abortReason;

    public Measurement(long sent, Map<String, Long> outcomes, Map<String, Long> errors, Histogram latencyMicros,
            long elapsedNanos) {
        this(sent, outcomes, errors, latencyMicros, elapsedNanos, null);
    }

    public Measurement(long sent, Map<String, Long> outcomes, Map<String, Long> errors, Histogram latencyMicros,
            long elapsedNanos, String abortReason) {
        if (sent < 0 || elapsedNanos < 0) {
            throw new IllegalArgumentException("sent and elapsed must not be negative");
        }
        long total = outcomes.values().stream().mapToLong(Long::longValue).sum();
        if (total != sent) {
            throw new IllegalArgumentException("outcomes add up to " + total + " but " + sent + " requests were sent");
        }
        this.sent = sent;
        this.outcomes = Collections.unmodifiableMap(new TreeMap<>(outcomes));
        this.errors = Collections.unmodifiableMap(new TreeMap<>(errors));
        this.latencyMicros = latencyMicros.copy();
        this.elapsedNanos = elapsedNanos;
        this.abortReason = abortReason;
    }

    /** Why the run stopped before sending everything it planned, or null if it did not. */
    public String abortReason() {
        return abortReason;
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

    /** Failed requests by kind of error; they add up to {@code outcome("error")}. */
    public Map<String, Long> errors() {
        return errors;
    }

    public Histogram latencyMicros() {
        return latencyMicros.copy();
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

    /** This run and {@code other} taken as one, for runs that went on at the same time (longest elapsed). */
    public Measurement merge(Measurement other) {
        Histogram latency = latencyMicros.copy();
        latency.add(other.latencyMicros);
        return new Measurement(sent + other.sent, sum(outcomes, other.outcomes), sum(errors, other.errors), latency,
                Math.max(elapsedNanos, other.elapsedNanos), abortReason != null ? abortReason : other.abortReason);
    }

    private static Map<String, Long> sum(Map<String, Long> a, Map<String, Long> b) {
        Map<String, Long> result = new TreeMap<>(a);
        b.forEach((k, v) -> result.merge(k, v, Long::sum));
        return result;
    }
}
