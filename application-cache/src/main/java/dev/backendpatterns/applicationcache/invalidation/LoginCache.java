package dev.backendpatterns.applicationcache.invalidation;

import dev.backendpatterns.common.redis.LuaScript;
import dev.backendpatterns.common.redis.RedisConnection;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.output.ArrayOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.ProtocolKeyword;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The cache in front of the store: one Redis entry per user, {@code bp:ci:<run>:{<user>}}, holding
 * {@code "v<version> <value>"} (or, for the versioned strategy, {@code "m<version>"} while a write is under way), and
 * its lease next to it in the same slot. Every command of a user goes to the node that holds the user's slot, and every
 * write there is followed by the configured {@link ReplicaWait}, which counts the writes of that one connection.
 */
final class LoginCache {
    private static final ProtocolKeyword WAITAOF = () -> "WAITAOF".getBytes(StandardCharsets.US_ASCII);
    private static final LuaScript MARK = LuaScript.fromResource(LoginCache.class, "versioned_mark.lua");
    private static final LuaScript SET_VERSIONED = LuaScript.fromResource(LoginCache.class, "versioned_set.lua");
    private static final LuaScript FILL_WITH_LEASE = LuaScript.fromResource(LoginCache.class, "lease_fill.lua");
    private static final Duration LOAD_TIMEOUT = Duration.ofSeconds(10);

    private final RedisConnection connection;
    private final String prefix;
    private final ReplicaWait wait;
    private final long ttlMillis;
    private final byte[] ttl;
    private final long leaseMillis;

    LoginCache(RedisConnection connection, String run, ReplicaWait wait, Duration ttl, Duration lease) {
        this.connection = connection;
        this.prefix = "bp:ci:" + run + ":{";
        this.wait = wait;
        this.ttlMillis = ttl.toMillis();
        this.ttl = ascii(Long.toString(ttlMillis));
        this.leaseMillis = lease.toMillis();
        for (LuaScript script : List.of(MARK, SET_VERSIONED, FILL_WITH_LEASE)) {
            script.load(connection, LOAD_TIMEOUT);
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    byte[] entry(String user) {
        return (prefix + user + "}").getBytes(StandardCharsets.UTF_8);
    }

    private byte[] lease(String user) {
        return (prefix + user + "}:lease").getBytes(StandardCharsets.UTF_8);
    }

    /** The cached text, or null on a miss. */
    CompletionStage<String> get(String user) {
        byte[] key = entry(user);
        return connection.nodeOf(key).get(key).thenApply(v -> v == null ? null : new String(v, StandardCharsets.UTF_8));
    }

    /** SET, last writer wins. */
    CompletionStage<Void> set(String user, String value) {
        byte[] key = entry(user);
        RedisClusterAsyncCommands<byte[], byte[]> node = connection.nodeOf(key);
        return waitAfter(node, node.set(key, value.getBytes(StandardCharsets.UTF_8), SetArgs.Builder.px(ttlMillis)).thenApply(ok -> null));
    }

    CompletionStage<Void> delete(String user) {
        byte[] key = entry(user);
        RedisClusterAsyncCommands<byte[], byte[]> node = connection.nodeOf(key);
        return waitAfter(node, node.del(key).thenApply(n -> null));
    }

    /** Deletes the entry and its lease: what a write does to void a reader's fill. */
    CompletionStage<Void> deleteWithLease(String user) {
        byte[] key = entry(user);
        RedisClusterAsyncCommands<byte[], byte[]> node = connection.nodeOf(key);
        return waitAfter(node, node.del(key, lease(user)).thenApply(n -> null));
    }

    /** Marks the entry as being written at {@code version}; false if it holds that version or a later one already. */
    CompletionStage<Boolean> mark(String user, long version) {
        byte[] key = entry(user);
        RedisClusterAsyncCommands<byte[], byte[]> node = connection.nodeOf(key);
        CompletionStage<Long> marked = MARK.run(node, ScriptOutputType.INTEGER, new byte[][] {key}, ascii(Long.toString(version)), ttl);
        return waitAfter(node, marked.thenApply(r -> r == 1));
    }

    /** Stores {@code value} of {@code version} unless the entry holds a later version; true if stored. */
    CompletionStage<Boolean> setVersioned(String user, long version, String value) {
        byte[] key = entry(user);
        RedisClusterAsyncCommands<byte[], byte[]> node = connection.nodeOf(key);
        String payload = value.substring(value.indexOf(' ') + 1);
        CompletionStage<Long> stored = SET_VERSIONED.run(node, ScriptOutputType.INTEGER, new byte[][] {key},
                ascii(Long.toString(version)), payload.getBytes(StandardCharsets.UTF_8), ttl);
        return waitAfter(node, stored.thenApply(r -> r == 1));
    }

    /** Takes the entry's lease: its token, or null when another reader holds it. */
    CompletionStage<String> takeLease(String user) {
        byte[] key = lease(user);
        String token = Long.toHexString(ThreadLocalRandom.current().nextLong());
        return connection.nodeOf(key).set(key, ascii(token), SetArgs.Builder.nx().px(leaseMillis))
                .thenApply(ok -> "OK".equals(ok) ? token : null);
    }

    /** Fills the entry if {@code token} still holds its lease; true if filled. */
    CompletionStage<Boolean> fillWithLease(String user, String token, String value) {
        byte[] key = entry(user);
        RedisClusterAsyncCommands<byte[], byte[]> node = connection.nodeOf(key);
        CompletionStage<Long> filled = FILL_WITH_LEASE.run(node, ScriptOutputType.INTEGER, new byte[][] {key, lease(user)},
                ascii(token), value.getBytes(StandardCharsets.UTF_8), ttl);
        return waitAfter(node, filled.thenApply(r -> r == 1));
    }

    /**
     * Completes when {@code write} is done and, on a cluster with a {@link ReplicaWait}, acknowledged by as many
     * replicas as asked (and, with WAITAOF, written to the master's AOF); fails with the count that answered otherwise.
     */
    private <T> CompletionStage<T> waitAfter(RedisClusterAsyncCommands<byte[], byte[]> node, CompletionStage<T> write) {
        if (wait.mode() == ReplicaWait.Mode.NONE) {
            return write;
        }
        CompletionStage<Void> acknowledged = wait.mode() == ReplicaWait.Mode.WAIT
                ? node.waitForReplication(wait.replicas(), wait.timeoutMillis()).thenAccept(this::checkWait)
                : node.dispatch(WAITAOF, new ArrayOutput<>(ByteArrayCodec.INSTANCE),
                        new CommandArgs<>(ByteArrayCodec.INSTANCE).add(1).add(wait.replicas()).add(wait.timeoutMillis()))
                        .thenAccept(this::checkWaitAof);
        return write.thenCombine(acknowledged, (result, ignored) -> result);
    }

    private void checkWait(Long replicas) {
        if (replicas < wait.replicas()) {
            throw new IllegalStateException("WAIT: " + replicas + " of " + wait.replicas() + " replicas acknowledged within "
                    + wait.timeoutMillis() + " ms");
        }
    }

    private void checkWaitAof(List<Object> reply) {
        long local = (Long) reply.get(0);
        long replicas = (Long) reply.get(1);
        if (local < 1 || replicas < wait.replicas()) {
            throw new IllegalStateException("WAITAOF: the master's AOF " + (local < 1 ? "did not" : "did") + " take the write, "
                    + replicas + " of " + wait.replicas() + " replicas' did, within " + wait.timeoutMillis() + " ms");
        }
    }

    /** Deletes the entries and leases of these users (the run's own); returns how many keys existed. */
    long deleteAll(List<String> users) {
        long deleted = 0;
        for (String user : users) {
            byte[] key = entry(user);
            try {
                deleted += connection.nodeOf(key).del(key, lease(user)).toCompletableFuture().get();
            } catch (Exception e) {
                throw new IllegalStateException("cannot delete the run's cache entries: " + e.getMessage(), e);
            }
        }
        return deleted;
    }

    /** Whether the server can WAITAOF: null if it can, or why not, in one line. */
    String waitAofUnsupported() {
        byte[] probe = entry("probe");
        try {
            connection.nodeOf(probe).dispatch(WAITAOF, new ArrayOutput<>(ByteArrayCodec.INSTANCE),
                    new CommandArgs<>(ByteArrayCodec.INSTANCE).add(0).add(0).add(1)).toCompletableFuture().get();
            return null;
        } catch (Exception e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            return cause.getMessage();
        }
    }
}
