package dev.backendpatterns.common.load;

/**
 * A request to stop a run early (Ctrl-C): the runner stops sending, waits for what is in flight (bounded by the
 * request timeout) and returns a measurement marked incomplete. Set from any thread, read by the dispatcher.
 */
public final class StopSignal {
    private volatile String reason;

    /** Asks the run to stop; the first reason given is kept. */
    public void stop(String why) {
        if (reason == null) {
            reason = why == null ? "stopped" : why;
        }
    }

    public boolean stopped() {
        return reason != null;
    }

    /** Why the run was asked to stop, or null. */
    public String reason() {
        return reason;
    }
}
