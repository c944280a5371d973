package dev.backendpatterns.common.load;

import java.util.concurrent.CompletionStage;

/**
 * One kind of request that the {@link LoadRunner} issues: the binding between the measurement core and a pattern on
 * a real server. Implementations start work and complete stages; they never read a clock for reporting, never count
 * and never print per request: the runner times, bounds and counts every request.
 */
public interface Operation {

    /**
     * Starts request number {@code index} (0-based, unique within a run) and returns at once; the stage completes on
     * the client's I/O threads with the name of the request's outcome (for example {@code "allowed"}), or
     * exceptionally, which the runner counts as {@value LoadRunner#ERROR}. A stage that does not complete within
     * the runner's request timeout is counted as {@value LoadRunner#TIMEOUT}, and its late completion ignored.
     * Called from one thread only.
     */
    CompletionStage<String> start(long index);

    /**
     * Sends what {@link #start} has buffered. The runner calls it before it waits, so a client that batches writes
     * (Lettuce with auto-flush off) sends many requests per system call. Default: nothing.
     */
    default void flush() {
    }

    /**
     * An outcome decided without a request to any server (a simulated participant whose attempt failed, say):
     * counted under {@code outcome}, with no latency recorded.
     */
    static CompletionStage<String> local(String outcome) {
        return LocalOutcome.of(outcome);
    }
}
