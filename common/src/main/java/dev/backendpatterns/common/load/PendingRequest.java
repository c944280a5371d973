package dev.backendpatterns.common.load;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.function.BiConsumer;

/**
 * One request between its start and its one accounted end. Whichever comes first, the operation's completion or
 * the runner's timeout, wins a compare-and-set and counts the request; the loser does nothing, so a late completion
 * after a timeout, or a timeout racing a completion, can never count a request twice.
 */
final class PendingRequest implements BiConsumer<String, Throwable> {
    private static final VarHandle ENDED;

    static {
        try {
            ENDED = MethodHandles.lookup().findVarHandle(PendingRequest.class, "ended", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Phase phase;
    /** When the request was handed to the operation: the origin of its timeout. */
    final long issuedNanos;
    /** Where its latency is measured from: the issue time (closed loop) or its intended start (open loop). */
    final long latencyOriginNanos;
    @SuppressWarnings("unused") // written through ENDED
    private volatile boolean ended;

    PendingRequest(Phase phase, long issuedNanos, long latencyOriginNanos) {
        this.phase = phase;
        this.issuedNanos = issuedNanos;
        this.latencyOriginNanos = latencyOriginNanos;
    }

    /** The operation's completion. */
    @Override
    public void accept(String outcome, Throwable error) {
        if (ENDED.compareAndSet(this, false, true)) {
            phase.completed(this, outcome, error);
        }
    }

    /** The runner's timeout; true if it ended the request (it had not completed). */
    boolean expire() {
        return ENDED.compareAndSet(this, false, true);
    }

    boolean ended() {
        return ended;
    }
}
