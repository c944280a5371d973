package dev.backendpatterns.streams.handoff;

import dev.backendpatterns.common.cli.UsageException;
import dev.backendpatterns.common.filter.KeyHash;
import dev.backendpatterns.common.redis.RedisConnection;
import dev.backendpatterns.common.redis.RedisTarget;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * The log as Redis Streams: shard i is the stream {@code bp:hh:<name>:{i}} (the hash tags spread the shards over a
 * cluster's slots); an append is {@code XADD <shard> * k <key>}, and on a cluster with a replica wait also
 * {@code WAIT replicas timeout} on the same node connection. Replay reads each shard with XRANGE, 10,000 entries at a
 * time, to its end. A snapshot is one string key next to the streams.
 */
final class RedisHintLog implements HintLog {
    private static final byte[] FIELD = "k".getBytes(StandardCharsets.US_ASCII);
    private static final int PAGE = 10_000;

    private final RedisTarget target;
    private final RedisConnection connection;
    private final byte[][] streams;
    private final byte[] snapshotKey;
    private final byte[] shardsKey;
    private final String[] acknowledged;
    private final int waitReplicas;
    private final long waitMillis;

    RedisHintLog(RedisTarget target, String name, int shards, int waitReplicas, long waitMillis) {
        this.target = target;
        this.connection = target.connect();
        if (waitReplicas == 0) {
            connection.batchWrites();
        }
        this.streams = new byte[shards][];
        for (int i = 0; i < shards; i++) {
            streams[i] = ("bp:hh:" + name + ":{" + i + "}").getBytes(StandardCharsets.UTF_8);
        }
        this.snapshotKey = ("bp:hh:" + name + ":snapshot").getBytes(StandardCharsets.UTF_8);
        this.shardsKey = ("bp:hh:" + name + ":shards").getBytes(StandardCharsets.UTF_8);
        byte[] count = Integer.toString(shards).getBytes(StandardCharsets.US_ASCII);
        connection.await(connection.nodeOf(shardsKey).setnx(shardsKey, count));
        byte[] existing = connection.await(connection.nodeOf(shardsKey).get(shardsKey));
        if (existing != null && !Arrays.equals(existing, count)) {
            // keys go to streams by their hash mod the shard count: another count would replay the wrong streams
            throw new UsageException("log " + name + " has " + new String(existing, StandardCharsets.US_ASCII)
                    + " shards, not " + shards + ": give --shards=" + new String(existing, StandardCharsets.US_ASCII)
                    + " or another --name");
        }
        this.acknowledged = new String[shards];
        this.waitReplicas = waitReplicas;
        this.waitMillis = waitMillis;
    }

    @Override
    public int shards() {
        return streams.length;
    }

    private int shardOf(String key) {
        return (int) Long.remainderUnsigned(KeyHash.XX.hash(key), streams.length);
    }

    @Override
    public CompletionStage<Entry> append(String key) {
        int shard = shardOf(key);
        byte[] stream = streams[shard];
        if (waitReplicas == 0) {
            return connection.async().xadd(stream, FIELD, key.getBytes(StandardCharsets.UTF_8)).thenApply(id -> new Entry(shard, id));
        }
        RedisClusterAsyncCommands<byte[], byte[]> node = connection.nodeOf(stream);
        CompletionStage<String> id = node.xadd(stream, FIELD, key.getBytes(StandardCharsets.UTF_8));
        return id.thenCombine(node.waitForReplication(waitReplicas, waitMillis), (added, replicas) -> {
            if (replicas < waitReplicas) {
                throw new IllegalStateException("WAIT: " + replicas + " of " + waitReplicas + " replicas within " + waitMillis + " ms");
            }
            return new Entry(shard, added);
        });
    }

    /** Replies of one connection come in order, so the newest covered entry of a shard is a watermark. */
    @Override
    public void covered(Entry entry) {
        synchronized (acknowledged) {
            String current = acknowledged[entry.shard()];
            if (current == null || compare(entry.position(), current) > 0) {
                acknowledged[entry.shard()] = entry.position();
            }
        }
    }

    /** Orders two stream ids, "millis-sequence". */
    static int compare(String a, String b) {
        int da = a.indexOf('-');
        int db = b.indexOf('-');
        int c = Long.compare(Long.parseLong(a.substring(0, da)), Long.parseLong(b.substring(0, db)));
        return c != 0 ? c : Long.compare(Long.parseLong(a.substring(da + 1)), Long.parseLong(b.substring(db + 1)));
    }

    @Override
    public void flush() {
        connection.flush();
    }

    @Override
    public List<String> covered() {
        synchronized (acknowledged) {
            return Arrays.asList(acknowledged.clone());
        }
    }

    @Override
    public long replay(List<String> from, Consumer<String> keys) {
        long count = 0;
        for (int shard = 0; shard < streams.length; shard++) {
            String after = from == null ? null : from.get(shard);
            while (true) {
                Range<String> range = Range.from(after == null ? Range.Boundary.unbounded() : Range.Boundary.excluding(after),
                        Range.Boundary.unbounded());
                List<StreamMessage<byte[], byte[]>> page = connection.await(connection.async().xrange(streams[shard], range, Limit.from(PAGE)));
                for (StreamMessage<byte[], byte[]> entry : page) {
                    byte[] key = entry.getBody().get(FIELD);
                    if (key == null) {
                        key = entry.getBody().entrySet().stream().filter(e -> Arrays.equals(e.getKey(), FIELD))
                                .map(Map.Entry::getValue).findFirst().orElse(null);
                    }
                    if (key != null) {
                        keys.accept(new String(key, StandardCharsets.UTF_8));
                        count++;
                    } else {
                        keys.accept(null);
                    }
                    after = entry.getId();
                }
                if (page.size() < PAGE) {
                    break;
                }
            }
            if (after != null) {
                covered(new Entry(shard, after));
            }
        }
        return count;
    }

    @Override
    public long storeSnapshot(byte[] snapshot) {
        connection.await(connection.nodeOf(snapshotKey).set(snapshotKey, snapshot));
        return snapshot.length;
    }

    @Override
    public byte[] loadSnapshot() {
        return connection.await(connection.nodeOf(snapshotKey).get(snapshotKey));
    }

    @Override
    public String durability() {
        Map<String, String> persistence = target.info("persistence", true).values().iterator().next();
        if ("1".equals(persistence.get("aof_enabled"))) {
            return "append-only file on, fsync " + target.nodes(true).values().iterator().next().configGet("appendfsync").get("appendfsync");
        }
        return null;
    }

    @Override
    public void delete() {
        for (byte[] stream : streams) {
            connection.await(connection.nodeOf(stream).del(stream));
        }
        connection.await(connection.nodeOf(snapshotKey).del(snapshotKey));
        connection.await(connection.nodeOf(shardsKey).del(shardsKey));
    }


    @Override
    public void close() {
        // the connection belongs to the target
    }

    /** The streams' keys, for tests. */
    List<String> streamKeys() {
        List<String> keys = new ArrayList<>();
        for (byte[] s : streams) {
            keys.add(new String(s, StandardCharsets.UTF_8));
        }
        return keys;
    }
}
