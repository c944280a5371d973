package dev.backendpatterns.common.load;

import java.io.FileNotFoundException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;

/**
 * Reads a phase's recorders once per interval, on its own thread: the interval's latency histogram is added to the
 * run's total (so the total is exactly the sum of the intervals), and what ended in the interval becomes a
 * {@link SeriesPoint}. It also redraws the progress line and writes the HdrHistogram interval log when asked.
 */
final class IntervalSampler implements AutoCloseable {
    private static final long PROGRESS_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final Phase phase;
    private final RunnerSettings settings;
    private final String label;
    private final LoadPlan plan;
    private final long startNanos;
    private final long intervalNanos;
    private final boolean recordSeries;
    private final Histogram latencyTotal = new Histogram(3);
    private final Histogram lagTotal = new Histogram(3);
    private final List<SeriesPoint> series = new ArrayList<>();
    private final HistogramLogWriter hlog;
    private final Thread thread;
    private Map<String, Long> lastOutcomes = Map.of();
    private Map<String, Long> lastErrors = Map.of();
    private long lastSampleNanos;
    private boolean progressDrawn;

    IntervalSampler(Phase phase, RunnerSettings settings, LoadPlan plan, String label, long startNanos, boolean measured) {
        this.phase = phase;
        this.settings = settings;
        this.label = label;
        this.plan = plan;
        this.startNanos = startNanos;
        this.lastSampleNanos = startNanos;
        this.intervalNanos = settings.interval().toNanos();
        this.recordSeries = measured;
        this.hlog = measured && settings.hlog() != null ? openLog(settings, startNanos) : null;
        this.thread = new Thread(this::loop, "interval-sampler");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    private static HistogramLogWriter openLog(RunnerSettings settings, long startNanos) {
        // the log's base time is the phase's start, so that its first interval starts at 0, not a moment before
        long startMillis = System.currentTimeMillis() - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
        try {
            HistogramLogWriter writer = new HistogramLogWriter(settings.hlog().toFile());
            writer.outputLogFormatVersion();
            writer.outputStartTime(startMillis);
            writer.setBaseTime(startMillis);
            writer.outputLegend();
            return writer;
        } catch (FileNotFoundException e) {
            throw new UncheckedIOException("cannot write the interval log " + settings.hlog() + ": " + e.getMessage(), e);
        }
    }

    private void loop() {
        long nextSample = startNanos + intervalNanos;
        long nextProgress = startNanos + PROGRESS_NANOS;
        try {
            while (!Thread.currentThread().isInterrupted()) {
                long wakeAt = settings.progress() == null ? nextSample : Math.min(nextSample, nextProgress);
                long sleep = wakeAt - System.nanoTime();
                if (sleep > 0) {
                    TimeUnit.NANOSECONDS.sleep(sleep);
                }
                long now = System.nanoTime();
                synchronized (this) {
                    if (now >= nextSample) {
                        sample(now);
                        while (nextSample <= now) {
                            nextSample += intervalNanos;
                        }
                    }
                    if (settings.progress() != null && now >= nextProgress) {
                        drawProgress(now);
                        nextProgress = now + PROGRESS_NANOS;
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Takes one interval: everything recorded since the last one. */
    private void sample(long now) {
        Histogram latency = phase.latency.getIntervalHistogram();
        latencyTotal.add(latency);
        if (phase.dispatchLag != null) {
            lagTotal.add(phase.dispatchLag.getIntervalHistogram());
        }
        Map<String, Long> outcomes = phase.counter.outcomes();
        Map<String, Long> errors = phase.counter.errors();
        if (recordSeries) {
            Map<String, Long> ended = minus(outcomes, lastOutcomes);
            long completed = ended.values().stream().mapToLong(Long::longValue).sum();
            double seconds = (now - lastSampleNanos) / 1e9;
            Map<String, Long> gauges = new LinkedHashMap<>();
            for (Gauge gauge : settings.gauges()) {
                gauges.put(gauge.name(), gauge.value().getAsLong());
            }
            SeriesPoint.Latency percentiles = latency.getTotalCount() == 0 ? null : new SeriesPoint.Latency(
                    latency.getValueAtPercentile(50), latency.getValueAtPercentile(99), latency.getMaxValue());
            series.add(new SeriesPoint(round((now - startNanos) / 1e9), round(seconds), completed,
                    seconds > 0 ? Math.round(completed / seconds * 10) / 10.0 : 0, ended, minus(errors, lastErrors),
                    percentiles, gauges));
            if (hlog != null) {
                // a plain copy, as the JSON's histograms are: the recorder's concurrent histogram once wrote a log
                // line that HistogramLogReader could not decode (a count past the array its header sizes)
                Histogram plain = new Histogram(latency.getNumberOfSignificantValueDigits());
                plain.add(latency);
                plain.setStartTimeStamp(latency.getStartTimeStamp());
                plain.setEndTimeStamp(latency.getEndTimeStamp());
                hlog.outputIntervalHistogram(plain);
            }
        }
        lastOutcomes = outcomes;
        lastErrors = errors;
        lastSampleNanos = now;
    }

    private static double round(double seconds) {
        return Math.round(seconds * 1000) / 1000.0;
    }

    private static Map<String, Long> minus(Map<String, Long> now, Map<String, Long> before) {
        Map<String, Long> delta = new HashMap<>();
        now.forEach((k, v) -> {
            long d = v - before.getOrDefault(k, 0L);
            if (d != 0) {
                delta.put(k, d);
            }
        });
        return delta;
    }

    private void drawProgress(long now) {
        PrintStream out = settings.progress();
        double seconds = (now - startNanos) / 1e9;
        long done = phase.counter.ended();
        double fraction = plan.timed() ? seconds / (plan.duration().toNanos() / 1e9) : (double) done / plan.requests();
        fraction = Math.min(1, fraction);
        double eta = fraction > 0 ? seconds / fraction - seconds : Double.NaN;
        Map<String, Long> outcomes = phase.counter.outcomes();
        long failed = outcomes.getOrDefault(LoadRunner.ERROR, 0L) + outcomes.getOrDefault(LoadRunner.TIMEOUT, 0L);
        out.printf(Locale.ROOT, "\r%s%5.1f%%  %,d done  %,.0f/s  %s ETA %s   ", label.isEmpty() ? "" : label + " ",
                fraction * 100, done, done / Math.max(seconds, 1e-9), failed > 0 ? String.format(Locale.ROOT, "%,d failed ", failed) : "",
                Double.isNaN(eta) ? "?" : String.format(Locale.ROOT, "%.0fs", eta));
        out.flush();
        progressDrawn = true;
    }

    /** Stops the thread and takes the last, partial interval; call once every request has ended. */
    @Override
    public void close() {
        thread.interrupt();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            long now = System.nanoTime();
            if (now > lastSampleNanos || series.isEmpty()) {
                sample(now);
            }
            if (hlog != null) {
                hlog.close();
            }
            if (progressDrawn) {
                settings.progress().print("\r" + " ".repeat(78) + "\r");
                settings.progress().flush();
            }
        }
    }

    Histogram latencyTotal() {
        return latencyTotal;
    }

    /** The dispatch lag of an open-loop run, or null in closed loop. */
    Histogram lagTotal() {
        return phase.dispatchLag == null ? null : lagTotal;
    }

    List<SeriesPoint> series() {
        return List.copyOf(series);
    }
}
