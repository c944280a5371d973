package dev.backendpatterns.common.report;

/**
 * A server a run uses (a Redis, a Kafka, a CQL store), external or embedded: what it is, and how much memory its
 * servers hold. Closing it releases the clients and stops what the run started.
 */
public interface Backend extends AutoCloseable {

    BackendInfo describe();

    /** The servers' memory now, or {@link ServerMemory#NONE} when it cannot be known. */
    ServerMemory memory();

    @Override
    void close();
}
