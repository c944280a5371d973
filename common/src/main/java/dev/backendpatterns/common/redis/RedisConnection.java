package dev.backendpatterns.common.redis;

import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;

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

    /** Buffers commands until {@link #flush()}. */
    public RedisConnection batchWrites() {
        connection.setAutoFlushCommands(false);
        return this;
    }

    public void flush() {
        connection.flushCommands();
    }

    @Override
    public void close() {
        connection.close();
    }
}
