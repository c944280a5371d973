package dev.backendpatterns.common.load;

import java.util.concurrent.CompletionStage;

/**
 * One kind of request that the {@link LoadRunner} issues: the binding between the measurement core and a
 * pattern on a real server. Implementations must be asynchronous: {@link #start} returns at once and the
 * stage completes on the client's I/O threads.
 */
public interface Operation {

    /**
     * Starts request number {@code index} (0-based, unique within a run). The stage completes with the
     * name of the request's outcome (for example {@code "allowed"}), or exceptionally, which the runner
     * counts as the outcome {@value LoadRunner#ERROR}. Called from one thread only.
     */
    CompletionStage<String> start(long index);

    /**
     * Sends what {@link #start} has buffered. The runner calls it before it waits, so a client that
     * batches writes (Lettuce with auto-flush off) sends many requests per system call. Default: nothing.
     */
    default void flush() {
    }
}
