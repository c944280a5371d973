package dev.backendpatterns.common.redis;

import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One Lettuce connection (standalone or cluster) with binary keys and values, seen through the command set
 * both kinds share. {@link #batchWrites()} turns auto-flush off so that the load runner's single dispatcher
 * thread can send many commands per write: only for a connection no other thread uses.
 */
public final class RedisConnection implements AutoCloseable {
    private final StatefulConnection<byte[], byte[]> connection;
    private final RedisClusterAsyncCommands<byte[], byte[]> commands;

    RedisConnection(StatefulConnection<byte[], byte[]> connection, RedisClusterAsyncCommands<byte[], byte[]> commands) {
        this.connection = connection;
        this.commands = commands;
    }

    /** The Lettuce connection itself, for libraries that take one (the peers the benchmarks compare with). */
    public StatefulConnection<byte[], byte[]> stateful() {
        return connection;
    }

    public RedisClusterAsyncCommands<byte[], byte[]> async() {
        return commands;
    }

    /**
     * The commands of the one node that holds {@code key}: the connection itself on a standalone server; on a cluster,
     * the connection to the master of the key's slot. WAIT and WAITAOF count the writes of the connection they are
     * sent on, so a write that must be waited for goes through this connection, and so does its WAIT.
     */
    @SuppressWarnings("unchecked")
    public RedisClusterAsyncCommands<byte[], byte[]> nodeOf(byte[] key) {
        if (!(connection instanceof StatefulRedisClusterConnection<?, ?> cluster)) {
            return commands;
        }
        RedisClusterNode master = cluster.getPartitions().getMasterBySlot(SlotHash.getSlot(key));
        if (master == null) {
            throw new IllegalStateException("no master serves the slot of this key");
        }
        return ((StatefulRedisConnection<byte[], byte[]>) cluster.getConnection(master.getNodeId())).async();
    }

    /** Buffers commands until {@link #flush()}. */
    public RedisConnection batchWrites() {
        connection.setAutoFlushCommands(false);
        return this;
    }

    public void flush() {
        connection.flushCommands();
    }

    /**
     * Flushes and waits for {@code stage}, a command of this connection, for up to a minute: for the few calls made
     * outside a measured run (setting up, replaying, cleaning up). Failures become IllegalStateException. It flushes
     * again while it waits: on a cluster, Lettuce writes a command again after a MOVED redirect, and on a connection
     * whose writes are batched that write waits for a flush too.
     */
    public <T> T await(CompletionStage<T> stage) {
        CompletableFuture<T> future = stage.toCompletableFuture();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        try {
            while (true) {
                flush();
                try {
                    return future.get(10, TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    if (System.nanoTime() >= deadline) {
                        throw e;
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            throw new IllegalStateException("Redis: " + (cause instanceof TimeoutException ? "no answer within 60 s" : cause.getMessage()), cause);
        }
    }

    @Override
    public void close() {
        connection.close();
    }
}
