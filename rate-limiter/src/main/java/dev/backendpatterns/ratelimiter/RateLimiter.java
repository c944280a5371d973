package dev.backendpatterns.ratelimiter;

import java.util.concurrent.CompletionStage;

/** One rate-limiting algorithm bound to a server and a {@link KeySpace}: decides requests asynchronously. */
public interface RateLimiter extends AutoCloseable {

    /**
     * Decides one request of identity number {@code key} of the key space; {@code requestId} is unique within the
     * run. Completes with a {@link Decision}-encoded value. Called from one thread at a time.
     */
    CompletionStage<Long> acquire(int key, long requestId);

    /** Sends buffered requests, for implementations that batch writes. */
    default void flush() {
    }

    /** Deletes, on the server, the state this limiter may have created for its key space; returns keys deleted. */
    long deleteState();

    @Override
    void close();
}
