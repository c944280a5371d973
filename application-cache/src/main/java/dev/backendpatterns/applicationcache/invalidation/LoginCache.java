package dev.backendpatterns.applicationcache.invalidation;

import dev.backendpatterns.common.redis.LuaScript;
import dev.backendpatterns.common.redis.RedisConnection;
import dev.backendpatterns.common.redis.RedisTarget;
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
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;

/**
 * The cache in front of the store: one Redis entry per user, {@code bp:ci:<run>:{<user>}}, holding
 * {@code "v<version> <value>"} (or, for the versioned strategy, {@code "m<version>"} while a write is under way), and
 * its lease next to it in the same slot. Every command of a user goes to the node that holds the user's slot. With a
 * {@link ReplicaWait}, the writes it covers go through a connection of their own, whose WAIT or WAITAOF are coalesced
 * per node ({@link CoalescedWait}), so that reads never queue behind a blocked wait.
 */
final class LoginCache {
    /** Lettuce has no WAITAOF; an enum, so that a timeout message names it. */
    private enum Command implements ProtocolKeyword {
        WAITAOF;

        @Override
        public byte[] getBytes() {
            return name().getBytes(StandardCharsets.US_ASCII);
        }
    }

    private static final LuaScript MARK = LuaScript.fromResource(LoginCache.class, "versioned_mark.lua");
    private static final LuaScript SET_VERSIONED = LuaScript.fromResource(LoginCache.class, "versioned_set.lua");
    private static final LuaScript FILL_WITH_LEASE = LuaScript.fromResource(LoginCache.class, "lease_fill.lua");
    private static final Duration LOAD_TIMEOUT = Duration.ofSeconds(10);
    /** The timeout of one WAITAOF of {@link #waitAof}; a server ends a blocked command's timeout at its next tick (100 ms at hz 10). */
    private static final long WAITAOF_POLL_MILLIS = 10;

    private final RedisConnection connection;
    private final RedisConnection writes;
    private final String prefix;
    private final ReplicaWait wait;
    private final long ttlMillis;
    private final byte[] ttl;
    private final long leaseMillis;
    private final Map<RedisClusterAsyncCommands<byte[], byte[]>, CoalescedWait> waits = new ConcurrentHashMap<>();
    private final LongAdder waitsSent = new LongAdder();
    private final LongAdder writesWaitedFor = new LongAdder();
    private final LongAdder waitAofRepeats = new LongAdder();

    private LoginCache(RedisConnection connection, RedisConnection writes, String run, ReplicaWait wait, Duration ttl, Duration lease) {
        this.connection = connection;
        this.writes = writes;
        this.prefix = "bp:ci:" + run + ":{";
        this.wait = wait;
        this.ttlMillis = ttl.toMillis();
        this.ttl = ascii(Long.toString(ttlMillis));
        this.leaseMillis = lease.toMillis();
        for (LuaScript script : List.of(MARK, SET_VERSIONED, FILL_WITH_LEASE)) {
            script.load(connection, LOAD_TIMEOUT);
        }
    }

    /**
     * The cache of run {@code run} on {@code target}: one connection, plus one for the writes that {@code wait} covers
     * unless it is {@link ReplicaWait#NONE}. The target closes the connections.
     */
    static LoginCache open(RedisTarget target, String run, ReplicaWait wait, Duration ttl, Duration lease) {
        RedisConnection connection = target.connect();
        RedisConnection writes = wait.mode() == ReplicaWait.Mode.NONE ? connection : target.connect();
        return new LoginCache(connection, writes, run, wait, ttl, lease);
    }

    /** WAIT or WAITAOF commands sent, and the writes they covered: their ratio is the coalescing achieved. */
    long waitsSent() {
        return waitsSent.sum();
    }

    long writesWaitedFor() {
        return writesWaitedFor.sum();
    }

    /** WAITAOF commands sent again because the one before answered unsatisfied within its poll timeout. */
    long waitAofRepeats() {
        return waitAofRepeats.sum();
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
        RedisClusterAsyncCommands<byte[], byte[]> node = writes.nodeOf(key);
        return waitAfter(node, node.set(key, value.getBytes(StandardCharsets.UTF_8), SetArgs.Builder.px(ttlMillis)).thenApply(ok -> null));
    }

    CompletionStage<Void> delete(String user) {
        byte[] key = entry(user);
        RedisClusterAsyncCommands<byte[], byte[]> node = writes.nodeOf(key);
        return waitAfter(node, node.del(key).thenApply(n -> null));
    }

    /** Deletes the entry and its lease: what a write does to void a reader's fill. */
    CompletionStage<Void> deleteWithLease(String user) {
        byte[] key = entry(user);
        RedisClusterAsyncCommands<byte[], byte[]> node = writes.nodeOf(key);
        return waitAfter(node, node.del(key, lease(user)).thenApply(n -> null));
    }

    /** Marks the entry as being written at {@code version}; false if it holds that version or a later one already. */
    CompletionStage<Boolean> mark(String user, long version) {
        byte[] key = entry(user);
        RedisClusterAsyncCommands<byte[], byte[]> node = writes.nodeOf(key);
        CompletionStage<Long> marked = MARK.run(node, ScriptOutputType.INTEGER, new byte[][] {key}, ascii(Long.toString(version)), ttl);
        return waitAfter(node, marked.thenApply(r -> r == 1));
    }

    /** Stores {@code value} of {@code version} unless the entry holds a later version; true if stored. */
    CompletionStage<Boolean> setVersioned(String user, long version, String value) {
        byte[] key = entry(user);
        RedisClusterAsyncCommands<byte[], byte[]> node = writes.nodeOf(key);
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
        RedisClusterAsyncCommands<byte[], byte[]> node = writes.nodeOf(key);
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
        CoalescedWait nodeWait = waits.computeIfAbsent(node, n -> new CoalescedWait(() -> sendWait(n), waitsSent, writesWaitedFor));
        return write.thenCompose(result -> nodeWait.acknowledgement().thenApply(ignored -> result));
    }

    private CompletionStage<Void> sendWait(RedisClusterAsyncCommands<byte[], byte[]> node) {
        return wait.mode() == ReplicaWait.Mode.WAIT
                ? node.waitForReplication(wait.replicas(), wait.timeoutMillis()).thenAccept(this::checkWait)
                : waitAof(node, System.nanoTime() + wait.timeoutMillis() * 1_000_000L);
    }

    /**
     * WAITAOF, asked again every {@link #WAITAOF_POLL_MILLIS} until it is satisfied or the wait's timeout is spent. A
     * master asks its replicas for their fsynced offset once per WAITAOF, and a replica that answered before its fsync
     * reports the fsync only in its periodic acknowledgement, a second later (Valkey 8.0); each new WAITAOF asks again.
     */
    private CompletionStage<Void> waitAof(RedisClusterAsyncCommands<byte[], byte[]> node, long deadlineNanos) {
        long remainingMillis = Math.max(1, (deadlineNanos - System.nanoTime()) / 1_000_000L);
        return node.dispatch(Command.WAITAOF, new ArrayOutput<>(ByteArrayCodec.INSTANCE),
                        new CommandArgs<>(ByteArrayCodec.INSTANCE).add(1).add(wait.replicas()).add(Math.min(WAITAOF_POLL_MILLIS, remainingMillis)))
                .thenCompose(reply -> {
                    if (waitAofSatisfied(reply) || System.nanoTime() >= deadlineNanos) {
                        checkWaitAof(reply);
                        return CompletableFuture.<Void>completedFuture(null);
                    }
                    waitAofRepeats.increment();
                    return waitAof(node, deadlineNanos);
                });
    }

    private boolean waitAofSatisfied(List<Object> reply) {
        return (Long) reply.get(0) >= 1 && (Long) reply.get(1) >= wait.replicas();
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
        if (!waitAofSatisfied(reply)) {
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
            connection.nodeOf(probe).dispatch(Command.WAITAOF, new ArrayOutput<>(ByteArrayCodec.INSTANCE),
                    new CommandArgs<>(ByteArrayCodec.INSTANCE).add(0).add(0).add(1)).toCompletableFuture().get();
            return null;
        } catch (Exception e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            return cause.getMessage();
        }
    }
}
