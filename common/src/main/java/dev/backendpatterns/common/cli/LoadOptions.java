package dev.backendpatterns.common.cli;

import dev.backendpatterns.common.load.LoadPlan;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/** How much load a command offers and where its results go: shared by every pattern's command. */
public final class LoadOptions {

    @Option(names = {"--requests", "-requests", "-numOfRequest"}, defaultValue = "100000", paramLabel = "N",
            description = "Requests to send (default: ${DEFAULT-VALUE}). Ignored with --duration.")
    long requests;

    @Option(names = "--duration", converter = DurationConverter.class, paramLabel = "TIME",
            description = "Run for this long instead of a request count: 500ms, 30s, 5m...")
    Duration duration;

    @Option(names = {"--semaphore", "-semaphore", "-semaphoreSize"}, defaultValue = "256", paramLabel = "N",
            description = "Most requests in flight at once (default: ${DEFAULT-VALUE}).")
    int semaphore;

    @Option(names = "--rate", defaultValue = "0", paramLabel = "PER_SECOND",
            description = "Open-loop target rate; latency is then measured from each request's intended start. "
                    + "0 = closed loop, as fast as the in-flight limit allows (default).")
    double rate;

    @Option(names = "--warmup", defaultValue = "-1", paramLabel = "N",
            description = "Requests sent first and not counted (default: 10%% of --requests, at most 200,000; 0 = none).")
    long warmup;

    @Option(names = "--json", paramLabel = "FILE", description = "Write the result as JSON to FILE.")
    Path json;

    @Option(names = "--hgrm", paramLabel = "FILE", description = "Write HdrHistogram's latency percentile distribution (microseconds) to FILE.")
    Path hgrm;

    @Option(names = "--verbose", description = "Print every request's outcome, and stack traces of errors.")
    boolean verbose;

    @Option(names = "--no-progress", negatable = false, description = "Never draw the progress line on stderr.")
    boolean noProgress;

    /** The plan these options describe; throws {@link IllegalArgumentException} with a user-facing message. */
    public LoadPlan plan() {
        if (duration == null && requests <= 0) {
            throw new IllegalArgumentException("--requests must be positive, was " + requests);
        }
        if (semaphore <= 0) {
            throw new IllegalArgumentException("--semaphore must be positive, was " + semaphore);
        }
        if (rate < 0 || Double.isNaN(rate)) {
            throw new IllegalArgumentException("--rate must be 0 or positive, was " + rate);
        }
        if (warmup < -1) {
            throw new IllegalArgumentException("--warmup must not be negative, was " + warmup);
        }
        long warm = warmup >= 0 ? warmup : duration != null ? 0 : Math.min(requests / 10, 200_000);
        return new LoadPlan(duration == null ? requests : 0, duration, semaphore, rate, warm);
    }

    public Path json() {
        return json;
    }

    public Path hgrm() {
        return hgrm;
    }

    public boolean verbose() {
        return verbose;
    }

    public boolean progress() {
        return !noProgress && System.console() != null;
    }
}
