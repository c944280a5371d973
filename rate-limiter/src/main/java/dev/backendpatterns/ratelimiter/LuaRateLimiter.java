package dev.backendpatterns.ratelimiter;

import dev.backendpatterns.common.redis.LuaScript;
import dev.backendpatterns.common.redis.RedisConnection;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.models.partitions.Partitions;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.LongAdder;

/**
 * A rate limiter that is one atomic Lua script per call (see the {@code .lua} resources for each algorithm's state and
 * arguments). A call decides {@code n} requests of each of one or more identities: with coalescing on, requests for
 * the same key that wait for the same write become one entry, decided in their order as if they had reached the
 * server at the same instant (off: every request is its own entry); with batching on, the entries waiting for the
 * same write go to the server in calls of up to {@code batchKeys} keys (on a cluster, only keys of one slot share a
 * call, since a script may only declare keys of one slot). The script decides each key as a call for it alone would
 * at the same instant, so batching changes the number of calls, never a decision. The clock is the server's
 * ({@code TIME}) unless a decision is replayed at an explicit time for the accuracy analysis.
 */
final class LuaRateLimiter implements RateLimiter {
    private static final byte[] SERVER_CLOCK = new byte[0];
    private static final byte[] ONE = ascii("1");
    /** The most requests one script call decides; a larger batch is split. */
    static final int MAX_BATCH = 512;
    /** A script's reply per key: admitted, remaining and retry_after_ms, three little-endian 64-bit integers. */
    static final int REPLY_BYTES_PER_KEY = 24;
    /** Keys per call by default when batching is on. */
    static final int DEFAULT_BATCH_KEYS = 64;
    private static final Duration LOAD_TIMEOUT = Duration.ofSeconds(10);
    /**
     * Put before an algorithm's script for {@code --cross-slot-batch}: one key is declared (it routes the call to its
     * master), the others of that master come in ARGV after their number, and go back into KEYS here, so the script
     * below is the same one. Inside a script a command of several keys must still keep to one slot, even with the
     * cross-slot flag, so the keys are touched one by one (before anything is written: a key that is not the node's,
     * "non local key" because its slot moved, fails the call before it changed anything, and the client retries those
     * keys one slot per call), and the script's one MGET becomes a GET per key ({@link #MGET}).
     */
    private static final String CROSS_SLOT_PRELUDE = """
            #!lua flags=allow-cross-slot-keys
            local undeclared = tonumber(ARGV[4])
            for i = 1, undeclared do KEYS[1 + i] = ARGV[4 + i] end
            local argc = #ARGV
            for i = 4, argc - undeclared - 1 do ARGV[i] = ARGV[i + undeclared + 1] end
            for i = argc - undeclared, argc do ARGV[i] = nil end
            for i = 1, #KEYS do redis.call('EXISTS', KEYS[i]) end
            local function get_each(keys)
              local values = {}
              for i = 1, #keys do values[i] = redis.call('GET', keys[i]) end
              return values
            end
            """;
    /** How every script reads all its keys at once; the cross-slot variant reads them one by one instead. */
    private static final String MGET = "redis.call('MGET', unpack(KEYS))";
    private final Algorithm algorithm;
    private final LuaScript script;
    private final KeySpace keys;
    private final RedisConnection connection;
    private final boolean coalesce;
    private final int batchKeys;
    private final boolean cluster;
    /** The script with {@link #CROSS_SLOT_PRELUDE}, or null when batches stay within one slot. */
    private final LuaScript crossSlotScript;
    private final LongAdder crossSlotFallbacks = new LongAdder();
    private final byte[] first;
    private final byte[] second;
    private final byte[] memberPrefix;
    private final byte[] clock;
    /** Coalesced entries waiting for the next write, by key (coalescing on). */
    private final Map<Integer, Entry> pending = new HashMap<>();
    /** Entries waiting for the next write in arrival order (coalescing off, batching on). */
    private final List<Entry> queued = new ArrayList<>();
    private final LongAdder calls = new LongAdder();
    private final LongAdder decisions = new LongAdder();

    LuaRateLimiter(Algorithm algorithm, Limits limits, KeySpace keys, RedisConnection connection, String runTag,
            boolean coalesce) {
        this(algorithm, limits, keys, connection, runTag, coalesce, 1, false, -1);
    }

    LuaRateLimiter(Algorithm algorithm, Limits limits, KeySpace keys, RedisConnection connection, String runTag,
            boolean coalesce, int batchKeys) {
        this(algorithm, limits, keys, connection, runTag, coalesce, batchKeys, false, -1);
    }

    LuaRateLimiter(Algorithm algorithm, Limits limits, KeySpace keys, RedisConnection connection, String runTag,
            boolean coalesce, int batchKeys, long fixedClockMicros) {
        this(algorithm, limits, keys, connection, runTag, coalesce, batchKeys, false, fixedClockMicros);
    }

    /**
     * As the other constructors, but every decision, coalesced, batched or not, is taken as if the server's clock read
     * {@code fixedClockMicros} (when it is not negative): the seam that lets tests compare a coalesced or batched call
     * with single calls at the same instant. {@code batchKeys} is the most keys one call decides (1: no batching);
     * {@code crossSlot}, on a cluster, lets one call decide keys of several slots of one master.
     */
    LuaRateLimiter(Algorithm algorithm, Limits limits, KeySpace keys, RedisConnection connection, String runTag,
            boolean coalesce, int batchKeys, boolean crossSlot, long fixedClockMicros) {
        if (!algorithm.scripted()) {
            throw new IllegalArgumentException(algorithm + " is not a Lua algorithm");
        }
        if (batchKeys < 1 || batchKeys > MAX_BATCH) {
            throw new IllegalArgumentException("keys per call must be 1.." + MAX_BATCH + ", was " + batchKeys);
        }
        this.algorithm = algorithm;
        this.script = LuaScript.fromResource(LuaRateLimiter.class, algorithm.scriptResource());
        this.script.load(connection, LOAD_TIMEOUT);
        this.keys = keys;
        this.connection = connection;
        this.coalesce = coalesce && algorithm != Algorithm.NOOP;
        this.batchKeys = algorithm == Algorithm.NOOP ? 1 : batchKeys;
        this.cluster = connection.stateful() instanceof StatefulRedisClusterConnection;
        if (crossSlot && cluster && this.batchKeys > 1) {
            String body = script.source();
            if (algorithm != Algorithm.SLIDING_WINDOW_LOG && !body.contains(MGET)) {
                throw new IllegalStateException(algorithm.scriptResource() + " no longer reads its keys with " + MGET);
            }
            this.crossSlotScript = new LuaScript(algorithm.scriptResource() + " (cross-slot)",
                    CROSS_SLOT_PRELUDE + body.replace(MGET, "get_each(KEYS)"));
            this.crossSlotScript.load(connection, LOAD_TIMEOUT);
        } else {
            this.crossSlotScript = null;
        }
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
        decisions.increment();
        if (algorithm == Algorithm.NOOP) {
            calls.increment();
            CompletionStage<Long> one = script.run(connection, ScriptOutputType.INTEGER, new byte[][] {keys.bytes(key)});
            return one.thenApply(Decision::allow);
        }
        if (coalesce) {
            Entry entry = pending.computeIfAbsent(key, Entry::new);
            CompletableFuture<Long> decision = entry.add(requestId);
            if (entry.size == MAX_BATCH) {
                pending.remove(key);
                send(List.of(entry), clock);
            }
            return decision;
        }
        Entry entry = new Entry(key);
        CompletableFuture<Long> decision = entry.add(requestId);
        if (batchKeys == 1) {
            send(List.of(entry), clock);
        } else {
            queued.add(entry);
        }
        return decision;
    }

    /** Decides one request as if the server's clock read {@code nowMicros}: replays arrivals deterministically. */
    CompletionStage<Long> acquireAt(int key, long requestId, long nowMicros) {
        decisions.increment();
        Entry entry = new Entry(key);
        CompletableFuture<Long> decision = entry.add(requestId);
        send(List.of(entry), ascii(Long.toString(nowMicros)));
        return decision;
    }

    @Override
    public void flush() {
        if (!pending.isEmpty()) {
            sendBatched(pending.values());
            pending.clear();
        }
        if (!queued.isEmpty()) {
            sendBatched(queued);
            queued.clear();
        }
        connection.flush();
    }

    /** Sends {@code entries} in calls of at most {@link #batchKeys} keys and {@link #MAX_BATCH} requests; one slot each on a cluster. */
    private void sendBatched(Collection<Entry> entries) {
        if (batchKeys == 1) {
            entries.forEach(e -> send(List.of(e), clock));
            return;
        }
        if (!cluster) {
            sendInCalls(entries);
            return;
        }
        if (crossSlotScript != null) {
            Partitions partitions = ((StatefulRedisClusterConnection<?, ?>) connection.stateful()).getPartitions();
            Map<String, List<Entry>> byNode = new HashMap<>();
            for (Entry e : entries) {
                RedisClusterNode master = partitions.getMasterBySlot(SlotHash.getSlot(keys.bytes(e.key)));
                byNode.computeIfAbsent(master == null ? "" : master.getNodeId(), node -> new ArrayList<>()).add(e);
            }
            byNode.values().forEach(this::sendInCalls);
            return;
        }
        bySlotInCalls(entries);
    }

    private void bySlotInCalls(Collection<Entry> entries) {
        Map<Integer, List<Entry>> bySlot = new HashMap<>();
        for (Entry e : entries) {
            bySlot.computeIfAbsent(SlotHash.getSlot(keys.bytes(e.key)), slot -> new ArrayList<>(2)).add(e);
        }
        bySlot.values().forEach(this::sendInCalls);
    }

    private void sendInCalls(Collection<Entry> entries) {
        List<Entry> call = new ArrayList<>(Math.min(entries.size(), batchKeys));
        int requests = 0;
        for (Entry e : entries) {
            if (!call.isEmpty() && (call.size() == batchKeys || requests + e.size > MAX_BATCH)) {
                sendCall(call);
                call = new ArrayList<>(Math.min(entries.size(), batchKeys));
                requests = 0;
            }
            call.add(e);
            requests += e.size;
        }
        if (!call.isEmpty()) {
            sendCall(call);
        }
    }

    /** One call of a batch: the plain script when its keys share a slot, the cross-slot one when they need it. */
    private void sendCall(List<Entry> call) {
        if (crossSlotScript == null || call.size() == 1) {
            send(call, clock);
            return;
        }
        int slot = SlotHash.getSlot(keys.bytes(call.get(0).key));
        for (Entry e : call) {
            if (SlotHash.getSlot(keys.bytes(e.key)) != slot) {
                sendCrossSlot(call);
                return;
            }
        }
        send(call, clock);
    }

    /** One script call deciding every request of {@code entries}, each entry's reply three numbers at {@code 3 * i}. */
    private void send(List<Entry> entries, byte[] now) {
        int k = entries.size();
        byte[][] keyBytes = new byte[k][];
        for (int i = 0; i < k; i++) {
            keyBytes[i] = keys.bytes(entries.get(i).key);
        }
        calls.increment();
        CompletionStage<byte[]> reply = script.run(connection, ScriptOutputType.VALUE, keyBytes, arguments(entries, now, null));
        reply.whenComplete((values, error) -> complete(entries, values, error));
    }

    /**
     * As {@link #send}, keys of several slots of one master: the first declared, the others in ARGV. A node that
     * refuses (the slot moved, undeclared keys forbidden, no cross-slot flag) gets the keys again one slot per call.
     */
    private void sendCrossSlot(List<Entry> entries) {
        int k = entries.size();
        byte[][] undeclared = new byte[k - 1][];
        for (int i = 1; i < k; i++) {
            undeclared[i - 1] = keys.bytes(entries.get(i).key);
        }
        calls.increment();
        CompletionStage<byte[]> reply = crossSlotScript.run(connection, ScriptOutputType.VALUE,
                new byte[][] {keys.bytes(entries.get(0).key)}, arguments(entries, clock, undeclared));
        reply.whenComplete((values, error) -> {
                    if (error != null && refusedCrossSlot(error)) {
                        crossSlotFallbacks.increment();
                        fallBack(entries);
                    } else {
                        complete(entries, values, error);
                    }
                });
    }

    /**
     * Sends {@code entries} again, one slot per call. Runs on an I/O thread, not the dispatcher: it touches nothing
     * the dispatcher owns (Lettuce connections take commands from any thread), and flushes at once, since the
     * dispatcher may be waiting for exactly these requests' slots before its next flush.
     */
    private void fallBack(List<Entry> entries) {
        bySlotInCalls(entries);
        connection.flush();
    }

    private static boolean refusedCrossSlot(Throwable error) {
        String m = String.valueOf(error.getMessage());
        return m.contains("non local key") || m.contains("undeclared") || m.contains("MOVED") || m.contains("ASK")
                || m.contains("CROSSSLOT") || m.contains("cross slot") || m.contains("shebang") || m.contains("flag");
    }

    private byte[][] arguments(List<Entry> entries, byte[] now, byte[][] undeclared) {
        int k = entries.size();
        int members = 0;
        for (Entry e : entries) {
            members += e.size;
        }
        boolean log = algorithm == Algorithm.SLIDING_WINDOW_LOG;
        int extra = undeclared == null ? 0 : 1 + undeclared.length;
        byte[][] args = new byte[3 + extra + k + (log ? members : 0)][];
        args[0] = first;
        args[1] = second;
        args[2] = now;
        if (undeclared != null) {
            args[3] = ascii(Integer.toString(undeclared.length));
            System.arraycopy(undeclared, 0, args, 4, undeclared.length);
        }
        int m = 3 + extra + k;
        for (int i = 0; i < k; i++) {
            Entry e = entries.get(i);
            args[3 + extra + i] = e.size == 1 ? ONE : ascii(Integer.toString(e.size));
            if (log) {
                for (int j = 0; j < e.size; j++) {
                    args[m++] = member(e.ids[j]);
                }
            }
        }
        return args;
    }

    private void complete(List<Entry> entries, byte[] reply, Throwable error) {
        Throwable failure = error != null ? error
                : reply == null || reply.length != REPLY_BYTES_PER_KEY * entries.size()
                        ? new IllegalStateException("the " + algorithm + " script answered " + (reply == null ? "nothing" : reply.length
                                + " bytes") + " for " + entries.size() + " keys, not " + REPLY_BYTES_PER_KEY + " bytes per key")
                        : null;
        ByteBuffer decisions = failure == null ? ByteBuffer.wrap(reply).order(ByteOrder.LITTLE_ENDIAN) : null;
        for (int i = 0; i < entries.size(); i++) {
            Entry e = entries.get(i);
            for (int j = 0; j < e.size; j++) {
                if (failure != null) {
                    e.decisions[j].completeExceptionally(failure);
                } else {
                    e.decisions[j].complete(decode(decisions, REPLY_BYTES_PER_KEY * i, j));
                }
            }
        }
    }

    /**
     * The decision of request {@code j} of the key whose admitted, remaining and retry_after_ms (little-endian 64-bit
     * integers) start at byte {@code at} of the script's reply.
     */
    static long decode(ByteBuffer reply, int at, int j) {
        long admitted = reply.getLong(at);
        if (j < admitted) {
            return Decision.allow(Math.max(0, reply.getLong(at + 8)) + admitted - 1 - j);
        }
        return Decision.throttle(Math.max(0, reply.getLong(at + 16)));
    }

    /** Script calls made so far, for the report's calls per decision. */
    long scriptCalls() {
        return calls.sum();
    }

    /** Cross-slot calls a node refused and that were sent again one slot per call. */
    long crossSlotFallbacks() {
        return crossSlotFallbacks.sum();
    }

    /** Requests decided (or being decided) so far. */
    long decisions() {
        return decisions.sum();
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

    /** Requests for one key decided together: all of its waiting requests (coalescing on), or one. */
    private static final class Entry {
        final int key;
        long[] ids = new long[4];
        @SuppressWarnings("unchecked")
        CompletableFuture<Long>[] decisions = new CompletableFuture[4];
        int size;

        Entry(int key) {
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
