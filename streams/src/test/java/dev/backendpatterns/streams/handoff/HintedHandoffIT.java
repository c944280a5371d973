package dev.backendpatterns.streams.handoff;

import static dev.backendpatterns.streams.StreamsRuns.number;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backendpatterns.common.cli.RedisEndpointOptions;
import dev.backendpatterns.common.cli.ServerOptions;
import dev.backendpatterns.common.filter.BloomFilter;
import dev.backendpatterns.common.kafka.EmbeddedKafka;
import dev.backendpatterns.common.kafka.KafkaTarget;
import dev.backendpatterns.common.redis.EmbeddedRedis;
import dev.backendpatterns.common.redis.EmbeddedRedisCluster;
import dev.backendpatterns.common.redis.RedisBinary;
import dev.backendpatterns.common.redis.RedisTarget;
import dev.backendpatterns.common.testing.Servers;
import dev.backendpatterns.streams.StreamsRuns;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hinted handoff on real servers (a Redis with an fsync'd append-only file, a 6-node Redis Cluster, a 1-node Kafka),
 * at small sizes: the second run with the same arguments has no miss, and a snapshot plus the log's tail rebuilds
 * exactly the filter a full replay does.
 */
class HintedHandoffIT {
    static final List<String> PERSISTENT = List.of("--appendonly", "yes", "--appendfsync", "always");
    private static EmbeddedRedis redis;
    private static EmbeddedRedisCluster cluster;
    private static EmbeddedKafka kafka;

    @BeforeAll
    static void start() {
        redis = EmbeddedRedis.start(RedisBinary.locate(), PERSISTENT);
        cluster = EmbeddedRedisCluster.start(RedisBinary.locate(), 6, PERSISTENT);
        kafka = EmbeddedKafka.start(1, "512m", null, Duration.ofMinutes(3));
    }

    @AfterAll
    static void stop() {
        Servers.closeAll(kafka, cluster, redis);
    }

    @TempDir
    Path dir;

    private Map<String, Object> handoff(String endpoint, String name, String... more) {
        List<String> args = new ArrayList<>(List.of("hinted-handoff", endpoint, "--requests=5000", "--name=" + name));
        args.addAll(List.of(more));
        return StreamsRuns.run(dir, 0, args.toArray(String[]::new));
    }

    private void assertSecondRunHasNoMiss(String endpoint, String... more) {
        String name = "t" + System.nanoTime();
        Map<String, Object> first = handoff(endpoint, name, more);
        assertEquals(5000, number(first, "queried"));
        assertEquals(0, number(first, "replayed"), "a new log");
        long appended = number(first, "appended");
        assertTrue(appended > 4_990, "nearly every key is new (a few may be false positives): " + appended);
        Object hit = ((Map<?, ?>) first.get("outcomes")).get("hit");
        long hits = hit == null ? 0 : ((Number) hit).longValue();
        assertEquals(5000, appended + hits, "every request is a hit or an append");

        Map<String, Object> second = handoff(endpoint, name, more);
        assertEquals(appended, number(second, "replayed"), "the restart replays every appended key");
        assertEquals(0, number(second, "misses"), "the filter survived the restart");
        assertEquals(0, number(second, "appended"));
        assertEquals(appended, number((Map<?, ?>) second.get("recovery"), "replayed"));
    }

    @Test
    void onRedisTheSecondRunHasNoMiss() {
        assertSecondRunHasNoMiss("--redis=" + redis.uri());
    }

    @Test
    void onARedisClusterWithWaitTheSecondRunHasNoMiss() {
        assertSecondRunHasNoMiss("--redis-cluster=" + cluster.seeds(), "--wait=1");
    }

    @Test
    void onKafkaTheSecondRunHasNoMiss() {
        assertSecondRunHasNoMiss("--kafka=" + kafka.bootstrapServers(), "--shards=2");
    }

    @Test
    void aRunWithSnapshotsRestartsFromTheSnapshot() {
        String name = "s" + System.nanoTime();
        Map<String, Object> first = handoff("--redis=" + redis.uri(), name, "--snapshot=200ms");
        assertTrue(number(first, "snapshot_bytes") > 1_000_000 / 8, "the final snapshot holds the bits: " + first.get("snapshot_bytes"));
        Map<String, Object> second = handoff("--redis=" + redis.uri(), name, "--replay-only");
        Map<?, ?> recovery = (Map<?, ?>) second.get("recovery");
        assertEquals(true, recovery.get("from_snapshot"));
        assertEquals(0, number(recovery, "replayed"), "the final snapshot covers the whole log");
        assertEquals(0, number(second, "queried"));
    }

    /** Appends keys {@code from} .. {@code to}-1 through the handoff, waiting for every acknowledgement. */
    private static void append(HintedHandoff handoff, int from, int to) throws Exception {
        List<CompletableFuture<String>> pending = new ArrayList<>();
        for (int i = from; i < to; i++) {
            pending.add(handoff.start(i).toCompletableFuture());
        }
        handoff.flush();
        CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    }

    private static void assertSnapshotPlusTailIsTheFullReplay(HintLog log) throws Exception {
        long bits = 1 << 20;
        HintedHandoff handoff = new HintedHandoff(new BloomFilter(bits, 7), log, null);
        append(handoff, 0, 3_000);
        log.storeSnapshot(Snapshot.of(handoff.filter(), log.covered()).toBytes());
        append(handoff, 3_000, 5_000);

        Recovery fromSnapshot = Recovery.of(log, bits, 7, true);
        Recovery full = Recovery.of(log, bits, 7, false);
        assertTrue(fromSnapshot.fromSnapshot());
        assertFalse(full.fromSnapshot());
        assertEquals(5_000, full.replayed());
        assertTrue(fromSnapshot.replayed() >= 1_900 && fromSnapshot.replayed() <= 2_000,
                "only the tail is replayed (keys that were false positives were never appended): " + fromSnapshot.replayed());
        assertArrayEquals(full.filter().snapshot(), fromSnapshot.filter().snapshot(), "the same bits, word for word");
        assertArrayEquals(handoff.filter().snapshot(), full.filter().snapshot(), "and the bits the run itself had");
        log.delete();
    }

    @Test
    void onRedisASnapshotPlusTheTailIsTheFullReplay() throws Exception {
        try (RedisTarget target = RedisTarget.open(RedisEndpointOptions.external(redis.uri()), ServerOptions.single(), quiet());
                HintLog log = new RedisHintLog(target, "snap" + System.nanoTime(), 3, 0, 1000)) {
            assertSnapshotPlusTailIsTheFullReplay(log);
        }
    }

    @Test
    void onKafkaASnapshotPlusTheTailIsTheFullReplay() throws Exception {
        try (KafkaTarget target = KafkaTarget.of(kafka.bootstrapServers(), Duration.ofSeconds(10));
                HintLog log = new KafkaHintLog(target, "snap" + System.nanoTime(), 3, 10_000)) {
            assertSnapshotPlusTailIsTheFullReplay(log);
        }
    }

    @Test
    void onRedisAnEntryWithoutAKeyIsCountedAndSkipped() throws Exception {
        String name = "bad" + System.nanoTime();
        try (RedisTarget target = RedisTarget.open(RedisEndpointOptions.external(redis.uri()), ServerOptions.single(), quiet());
                HintLog log = new RedisHintLog(target, name, 1, 0, 1000)) {
            append(new HintedHandoff(new BloomFilter(1 << 16, 7), log, null), 0, 100);
            RedisClient client = RedisClient.create(redis.uri());
            try (StatefulRedisConnection<String, String> c = client.connect()) {
                c.sync().xadd("bp:hh:" + name + ":{0}", Map.of("not-k", "x"));
            } finally {
                client.shutdown();
            }
            Recovery recovery = Recovery.of(log, 1 << 16, 7, false);
            assertEquals(100, recovery.replayed());
            assertEquals(1, recovery.unreadable());
            log.delete();
        }
    }

    @Test
    void onKafkaATombstoneIsCountedAndSkipped() throws Exception {
        String name = "bad" + System.nanoTime();
        try (KafkaTarget target = KafkaTarget.of(kafka.bootstrapServers(), Duration.ofSeconds(10));
                HintLog log = new KafkaHintLog(target, name, 1, 10_000)) {
            append(new HintedHandoff(new BloomFilter(1 << 16, 7), log, null), 0, 100);
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                    kafka.bootstrapServers()), new ByteArraySerializer(), new ByteArraySerializer())) {
                producer.send(new ProducerRecord<>("bp-hh-" + name, 0, null, null)).get(30, TimeUnit.SECONDS);
            }
            Recovery recovery = Recovery.of(log, 1 << 16, 7, false);
            assertEquals(100, recovery.replayed());
            assertEquals(1, recovery.unreadable());
            log.delete();
        }
    }

    @Test
    void badCombinationsAreRefusedWithExitTwo() {
        String name = "u" + System.nanoTime();
        StreamsRuns.run(dir, 2, "hinted-handoff", "--redis=" + redis.uri(), "--name=" + name, "--wait=1");
        StreamsRuns.run(dir, 2, "hinted-handoff", "--kafka=" + kafka.bootstrapServers(), "--name=" + name, "--wait=1");
        StreamsRuns.run(dir, 2, "hinted-handoff", "--redis=" + redis.uri(), "--name=" + name, "--snapshot=1s", "--replay-only");
        handoff("--redis=" + redis.uri(), name, "--shards=2");
        StreamsRuns.run(dir, 2, "hinted-handoff", "--redis=" + redis.uri(), "--name=" + name, "--shards=3", "--requests=100");
        handoff("--kafka=" + kafka.bootstrapServers(), name, "--shards=2");
        StreamsRuns.run(dir, 2, "hinted-handoff", "--kafka=" + kafka.bootstrapServers(), "--name=" + name, "--requests=100");
        handoff("--redis=" + redis.uri(), name, "--shards=2", "--delete-log");
        handoff("--kafka=" + kafka.bootstrapServers(), name, "--shards=2", "--delete-log");
    }

    static PrintStream quiet() {
        return new PrintStream(OutputStream.nullOutputStream());
    }
}
