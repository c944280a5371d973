package dev.backendpatterns.common.load;

/**
 * When each request of an open-loop run is due, for a load that is not a fixed rate (the attempts of a contest's
 * participants, the orders of a market's traders): the pattern's own simulation decides, and the runner sends each
 * request at its time, measuring latency from it and the client's lag against it, as for {@code --rate}.
 */
@FunctionalInterface
public interface Schedule {
    /** Returned by {@link #dueNanos} when there is no further request: the run ends. */
    long END = -1;

    /**
     * When request {@code index} is due, in nanoseconds after the run (or the warm-up) began, never earlier than the
     * request before it; or {@link #END}. Called once per index, in order, from the dispatcher, just before the request
     * is started.
     */
    long dueNanos(long index);

    /** The run (or the warm-up) began at {@code startNanos} ({@link System#nanoTime}), before the first {@link #dueNanos}. */
    default void started(long startNanos) {
    }
}
