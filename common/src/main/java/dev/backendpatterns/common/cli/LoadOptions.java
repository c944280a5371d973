package dev.backendpatterns.common.cli;

import dev.backendpatterns.common.load.LoadPlan;
import dev.backendpatterns.common.load.Warmup;
import java.time.Duration;
import picocli.CommandLine.Option;

/** How much load a command offers: shared by every pattern's command. */
public final class LoadOptions {
    private static final long MAX_WARMUP_REQUESTS = 200_000;
    private static final Duration MAX_WARMUP_TIME = Duration.ofSeconds(10);

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

    @Option(names = "--warmup", paramLabel = "N|TIME",
            description = "Sent first and not counted: a number of requests, or a time such as 5s (default: 10%% of "
                    + "--requests, at most 200,000; with --duration a tenth of it, at most 10 s; 0 = none).")
    String warmup;

    /** The plan these options describe; throws {@link UsageException} with a user-facing message. */
    public LoadPlan plan() {
        UsageException.require(duration != null || requests > 0, "--requests must be positive, was " + requests);
        UsageException.require(semaphore > 0, "--semaphore must be positive, was " + semaphore);
        UsageException.require(rate >= 0 && !Double.isInfinite(rate), "--rate must be 0 or positive, was " + rate);
        return new LoadPlan(duration == null ? requests : 0, duration, semaphore, rate, warmup());
    }

    private Warmup warmup() {
        if (warmup == null) {
            if (duration != null) {
                Duration tenth = duration.dividedBy(10);
                return tenth.isZero() ? Warmup.NONE : Warmup.ofDuration(tenth.compareTo(MAX_WARMUP_TIME) > 0 ? MAX_WARMUP_TIME : tenth);
            }
            return Warmup.ofRequests(Math.min(requests / 10, MAX_WARMUP_REQUESTS));
        }
        if (DurationConverter.hasUnit(warmup)) {
            try {
                return Warmup.ofDuration(DurationConverter.parse(warmup));
            } catch (RuntimeException e) {
                throw new UsageException("--warmup: " + e.getMessage());
            }
        }
        try {
            long count = Long.parseLong(warmup.trim());
            UsageException.require(count >= 0, "--warmup must not be negative, was " + warmup);
            return Warmup.ofRequests(count);
        } catch (NumberFormatException e) {
            throw new UsageException("--warmup takes a number of requests or a time such as 5s, was '" + warmup + "'");
        }
    }
}
