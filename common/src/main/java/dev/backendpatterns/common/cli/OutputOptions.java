package dev.backendpatterns.common.cli;

import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/** Where a run's results go and how it reports while running: shared by every pattern's command. */
public final class OutputOptions {

    @Option(names = "--json", paramLabel = "FILE", description = "Write the result as JSON to FILE (schema 2).")
    Path json;

    @Option(names = "--hgrm", paramLabel = "FILE", description = "Write HdrHistogram's latency percentile distribution (microseconds) to FILE.")
    Path hgrm;

    @Option(names = "--hlog", paramLabel = "FILE", description = "Write HdrHistogram's interval log (one histogram per --interval) to FILE.")
    Path hlog;

    @Option(names = "--chart", paramLabel = "FILE.png", description = "Draw the latency percentile curve and the throughput over time to FILE.png.")
    Path chart;

    @Option(names = "--interval", defaultValue = "1s", converter = DurationConverter.class, paramLabel = "TIME",
            description = "Interval of the time series in the JSON (default: ${DEFAULT-VALUE}).")
    Duration interval;

    @Option(names = "--verbose", description = "Print every request's outcome, and stack traces of errors.")
    boolean verbose;

    @Option(names = "--no-progress", negatable = false, description = "Never draw the progress line on stderr.")
    boolean noProgress;

    public Path json() {
        return json;
    }

    public Path hgrm() {
        return hgrm;
    }

    public Path hlog() {
        return hlog;
    }

    public Path chart() {
        return chart;
    }

    public Duration interval() {
        UsageException.require(interval.toMillis() >= 10, "--interval must be at least 10ms, was " + interval.toMillis() + "ms");
        return interval;
    }

    public boolean verbose() {
        return verbose;
    }

    /** Whether to draw the progress line: on a terminal, unless --no-progress. */
    public boolean progress() {
        return !noProgress && System.console() != null;
    }
}
