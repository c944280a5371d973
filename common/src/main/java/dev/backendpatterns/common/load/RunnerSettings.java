package dev.backendpatterns.common.load;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * How the {@link LoadRunner} runs, apart from the load itself: the request timeout, the interval of the time series,
 * where to draw the progress line (null: nowhere), the signal that stops a run early, an optional HdrHistogram
 * interval log, the gauges sampled each interval, and whether to keep a latency histogram per outcome as well (a
 * pattern whose requests are of different kinds, reads and writes, say: it costs a map lookup per request).
 *
 * @param requestTimeout a request that has not completed this long after it was issued (plus a margin, see
 *     {@link #expiryNanos()}) is counted as {@value LoadRunner#TIMEOUT}; should be the client's own command timeout
 */
public record RunnerSettings(Duration requestTimeout, Duration interval, PrintStream progress, StopSignal stop, Path hlog,
        List<Gauge> gauges, boolean latencyByOutcome) {

    public RunnerSettings {
        if (requestTimeout == null || requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("request timeout must be positive, was " + requestTimeout);
        }
        if (interval == null || interval.toMillis() < 10) {
            throw new IllegalArgumentException("series interval must be at least 10 ms, was " + interval);
        }
        stop = stop == null ? new StopSignal() : stop;
        gauges = gauges == null ? List.of() : List.copyOf(gauges);
    }

    /** One-second series, no progress line, no log, no gauges. */
    public static RunnerSettings of(Duration requestTimeout) {
        return new RunnerSettings(requestTimeout, Duration.ofSeconds(1), null, new StopSignal(), null, List.of(), false);
    }

    public RunnerSettings withProgress(PrintStream out) {
        return new RunnerSettings(requestTimeout, interval, out, stop, hlog, gauges, latencyByOutcome);
    }

    public RunnerSettings withInterval(Duration value) {
        return new RunnerSettings(requestTimeout, value, progress, stop, hlog, gauges, latencyByOutcome);
    }

    public RunnerSettings withStop(StopSignal value) {
        return new RunnerSettings(requestTimeout, interval, progress, value, hlog, gauges, latencyByOutcome);
    }

    public RunnerSettings withHlog(Path value) {
        return new RunnerSettings(requestTimeout, interval, progress, stop, value, gauges, latencyByOutcome);
    }

    public RunnerSettings withGauges(List<Gauge> value) {
        return new RunnerSettings(requestTimeout, interval, progress, stop, hlog, value, latencyByOutcome);
    }

    public RunnerSettings withLatencyByOutcome(boolean value) {
        return new RunnerSettings(requestTimeout, interval, progress, stop, hlog, gauges, value);
    }

    /**
     * How long requests may keep failing, with none succeeding, before the run is aborted as hopeless (the server died):
     * four times the request expiry, and at least 5 s, so that a failover's error window of a few seconds is measured,
     * not mistaken for a dead server.
     */
    public long abortAfterNanos() {
        return Math.max(4 * expiryNanos(), Duration.ofSeconds(5).toNanos());
    }

    /**
     * When the runner gives a request up: the request timeout plus a margin (a quarter of it, between 50 ms and 1 s),
     * so that a client's own timeout, which fires at the request timeout, is seen as the error it reports.
     */
    public long expiryNanos() {
        long timeout = requestTimeout.toNanos();
        long margin = Math.min(Duration.ofSeconds(1).toNanos(), Math.max(Duration.ofMillis(50).toNanos(), timeout / 4));
        return timeout + margin;
    }
}
