package dev.backendpatterns.ratelimiter;

import dev.backendpatterns.common.redis.LuaScript;
import dev.backendpatterns.common.redis.RedisConnection;
import io.lettuce.core.ScriptOutputType;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A rate limiter that is one atomic Lua script per decision (see the {@code .lua} resources for each algorithm's
 * state and arguments). Every script can decide {@code n} requests of one identity at once: with coalescing on,
 * requests for the same key that are waiting for the same write are decided by one script call, in their order,
 * as if they had reached the server at the same instant; with it off every request is its own call. The clock is
 * the server's ({@code TIME}) unless a decision is replayed at an explicit time for the accuracy analysis.
 */
final class LuaRateLimiter implements RateLimiter {
    private static final byte[] SERVER_CLOCK = new byte[0];
    private static final byte[] ONE = ascii("1");
    /** The most requests one script call decides; a larger batch is split. */
    static final int MAX_BATCH = 512;
    private static final Duration LOAD_TIMEOUT = Duration.ofSeconds(10);

    private final Algorithm algorithm;
    private final LuaScript script;
    private final KeySpace keys;
    private final RedisConnection connection;
    private final boolean coalesce;
    private final byte[] first;
    private final byte[] second;
    private final byte[] memberPrefix;
    private final byte[] clock;
    private final Map<Integer, Batch> pending = new HashMap<>();

    LuaRateLimiter(Algorithm algorithm, Limits limits, KeySpace keys, RedisConnection connection, String runTag,
            boolean coalesce) {
        this(algorithm, limits, keys, connection, runTag, coalesce, -1);
    }

    /**
     * As the other constructor, but every decision, coalesced or not, is taken as if the server's clock read
     * {@code fixedClockMicros} (when it is not negative): the seam that lets tests compare a coalesced call with single
     * calls at the same instant.
     */
    LuaRateLimiter(Algorithm algorithm, Limits limits, KeySpace keys, RedisConnection connection, String runTag,
            boolean coalesce, long fixedClockMicros) {
        if (!algorithm.scripted()) {
            throw new IllegalArgumentException(algorithm + " is not a Lua algorithm");
        }
        this.algorithm = algorithm;
        this.script = LuaScript.fromResource(LuaRateLimiter.class, algorithm.scriptResource());
        this.script.load(connection, LOAD_TIMEOUT);
        this.keys = keys;
        this.connection = connection;
        this.coalesce = coalesce && algorithm != Algorithm.NOOP;
        if (algorithm.family() == Algorithm.Family.BUCKET) {
            first = ascii(Double.toString(limits.refillRate()));
            second = ascii(Long.toString(limits.bucketSize()));
        } else {
            first = ascii(Long.toString(limits.windowMillis()));
            second = ascii(Long.toString(limits.threshold()));
        }
        memberPrefix = ascii(runTag + ":");
        clock = fixedClockMicros < 0 ? SERVER_CLOCK : ascii(Long.toString(fixedClockMicros));
    }

    @Override
    public CompletionStage<Long> acquire(int key, long requestId) {
        if (algorithm == Algorithm.NOOP) {
            CompletionStage<Long> one = script.run(connection, ScriptOutputType.INTEGER, new byte[][] {keys.bytes(key)});
            return one.thenApply(Decision::allow);
        }
        if (!coalesce) {
            return call(key, new long[] {requestId}, 1, clock).thenApply(reply -> decode(reply, 0));
        }
        Batch batch = pending.computeIfAbsent(key, Batch::new);
        CompletableFuture<Long> decision = batch.add(requestId);
        if (batch.size == MAX_BATCH) {
            pending.remove(key);
            send(batch);
        }
        return decision;
    }

    /** Decides one request as if the server's clock read {@code nowMicros}: replays arrivals deterministically. */
    CompletionStage<Long> acquireAt(int key, long requestId, long nowMicros) {
        return call(key, new long[] {requestId}, 1, ascii(Long.toString(nowMicros))).thenApply(reply -> decode(reply, 0));
    }

    @Override
    public void flush() {
        if (!pending.isEmpty()) {
            for (Batch batch : pending.values()) {
                send(batch);
            }
            pending.clear();
        }
        connection.flush();
    }

    private void send(Batch batch) {
        call(batch.key, batch.ids, batch.size, clock).whenComplete((reply, error) -> {
            for (int i = 0; i < batch.size; i++) {
                if (error != null) {
                    batch.decisions[i].completeExceptionally(error);
                } else {
                    batch.decisions[i].complete(decode(reply, i));
                }
            }
        });
    }

    private CompletionStage<List<Object>> call(int key, long[] ids, int n, byte[] now) {
        byte[][] args;
        if (algorithm == Algorithm.SLIDING_WINDOW_LOG) {
            args = new byte[4 + n][];
            for (int i = 0; i < n; i++) {
                args[4 + i] = member(ids[i]);
            }
        } else {
            args = new byte[4][];
        }
        args[0] = first;
        args[1] = second;
        args[2] = n == 1 ? ONE : ascii(Integer.toString(n));
        args[3] = now;
        return script.run(connection, ScriptOutputType.MULTI, new byte[][] {keys.bytes(key)}, args);
    }

    /** The decision of request {@code i} of a batch from the script's {admitted, remaining, retry_after_ms}. */
    static long decode(List<Object> reply, int i) {
        long admitted = (Long) reply.get(0);
        if (i < admitted) {
            return Decision.allow(Math.max(0, (Long) reply.get(1)) + admitted - 1 - i);
        }
        return Decision.throttle(Math.max(0, (Long) reply.get(2)));
    }

    private byte[] member(long requestId) {
        byte[] id = ascii(Long.toString(requestId));
        byte[] member = new byte[memberPrefix.length + id.length];
        System.arraycopy(memberPrefix, 0, member, 0, memberPrefix.length);
        System.arraycopy(id, 0, member, memberPrefix.length, id.length);
        return member;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** Requests for one key waiting for the next write. */
    private static final class Batch {
        final int key;
        long[] ids = new long[4];
        @SuppressWarnings("unchecked")
        CompletableFuture<Long>[] decisions = new CompletableFuture[4];
        int size;

        Batch(int key) {
            this.key = key;
        }

        CompletableFuture<Long> add(long id) {
            if (size == ids.length) {
                ids = Arrays.copyOf(ids, size * 2);
                decisions = Arrays.copyOf(decisions, size * 2);
            }
            CompletableFuture<Long> decision = new CompletableFuture<>();
            ids[size] = id;
            decisions[size++] = decision;
            return decision;
        }
    }

    @Override
    public long deleteState() {
        return keys.unlinkAll(connection);
    }

    @Override
    public void close() {
        // the connection belongs to the RedisTarget
    }
}
