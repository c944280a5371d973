package dev.backendpatterns.streams.leaky;

import static dev.backendpatterns.streams.StreamsRuns.number;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backendpatterns.common.cli.RedisEndpointOptions;
import dev.backendpatterns.common.cli.ServerOptions;
import dev.backendpatterns.common.kafka.EmbeddedKafka;
import dev.backendpatterns.common.kafka.KafkaTarget;
import dev.backendpatterns.common.messaging.DeliveryTracker;
import dev.backendpatterns.common.redis.EmbeddedRedis;
import dev.backendpatterns.common.redis.EmbeddedRedisCluster;
import dev.backendpatterns.common.redis.RedisBinary;
import dev.backendpatterns.common.redis.RedisTarget;
import dev.backendpatterns.common.testing.Servers;
import dev.backendpatterns.streams.StreamsRuns;
import dev.backendpatterns.streams.leaky.DrainQueue.Taken;
import dev.backendpatterns.streams.leaky.DrainQueue.Verdict;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The leaky bucket on real servers (a Redis, a 6-node Redis Cluster, a 1-node Kafka) at small sizes: with a fifth of
 * what is taken left unacknowledged every entry is still processed and none lost; the drain never takes more than the
 * rate allows; a crashed consumer's entries are taken over; malformed entries are counted and skipped.
 */
class LeakyBucketIT {
    private static final int PUBLISHERS = 300;
    private static final int SUBSCRIBERS = 4;
    private static EmbeddedRedis redis;
    private static EmbeddedRedisCluster cluster;
    private static EmbeddedKafka kafka;

    @BeforeAll
    static void start() {
        redis = EmbeddedRedis.start(RedisBinary.locate());
        cluster = EmbeddedRedisCluster.start(RedisBinary.locate(), 6);
        kafka = EmbeddedKafka.start(1, "512m", null, Duration.ofMinutes(3));
    }

    @AfterAll
    static void stop() {
        Servers.closeAll(kafka, cluster, redis);
    }

    @TempDir
    Path dir;

    private Map<String, Object> leaky(String endpoint, String... more) {
        List<String> args = new ArrayList<>(List.of("leaky-bucket", endpoint, "--publishers=" + PUBLISHERS,
                "--subscribers=" + SUBSCRIBERS, "--intervalms=10", "--until-drained", "--durations=90", "--min-idle-ms=100"));
        args.addAll(List.of(more));
        return StreamsRuns.run(dir, 0, args.toArray(String[]::new));
    }

    private static void assertEveryEntryProcessedWithinTheRate(Map<String, Object> r) {
        assertEquals(PUBLISHERS, number(r, "published"));
        assertEquals(PUBLISHERS, number(r, "acknowledged"));
        assertEquals(PUBLISHERS, number(r, "processed"), "every entry processed: " + r);
        assertEquals(0, number(r, "lost"));
        assertEquals(0, number(r, "still_pending"));
        assertEquals(0, number(r, "evicted"));
        assertEquals(0, number(r, "malformed"));
        long nacked = number(r, "nacked");
        assertTrue(nacked > 10, "about a fifth of the takes were left unacknowledged: " + nacked);
        assertTrue(number(r, "redeliveries") >= nacked, "each unacknowledged entry came back: " + r.get("redeliveries") + " < " + nacked);
        assertEquals(number(r, "deliveries"), PUBLISHERS + number(r, "redeliveries"));

        Map<?, ?> rate = (Map<?, ?>) r.get("drain_rate");
        assertTrue(number(rate, "most_taken_in_window") <= number(rate, "allowed_in_window"), "the drain kept to the rate: " + rate);
        double configured = ((Number) rate.get("configured_per_s")).doubleValue();
        double elapsed = ((Number) r.get("elapsed_s")).doubleValue();
        assertTrue(number(r, "deliveries") <= configured * elapsed + SUBSCRIBERS,
                "never more than the rate plus one entry per consumer: " + r.get("deliveries") + " takes in " + elapsed + " s at " + configured + "/s");

        Map<?, ?> outcomes = (Map<?, ?>) r.get("outcomes");
        long sum = outcomes.values().stream().mapToLong(v -> ((Number) v).longValue()).sum();
        assertEquals(number(r, "requests"), sum, "every tick is accounted for");
        assertTrue(r.get("series") instanceof List<?> series && !series.isEmpty(), "the backlog over time");
    }

    @Test
    void onRedisEveryEntryIsProcessedAtTheRate() {
        Map<String, Object> r = leaky("--redis=" + redis.uri());
        assertEveryEntryProcessedWithinTheRate(r);
        assertEquals(0, number(r, "processed_more_than_once"), "a claim waits for the entry to be idle 100 ms");
    }

    @Test
    void onARedisClusterEveryEntryIsProcessedAtTheRate() {
        assertEveryEntryProcessedWithinTheRate(leaky("--redis-cluster=" + cluster.seeds()));
    }

    @Test
    void onKafkaEveryEntryIsProcessedAtTheRate() {
        Map<String, Object> r = leaky("--kafka=" + kafka.bootstrapServers());
        assertEveryEntryProcessedWithinTheRate(r);
        assertEquals(0, number(r, "processed_more_than_once"), "commits cover only what was processed, and no rebalance came mid-drain to make a record be taken twice");
    }

    @Test
    void onAKafkaShareGroupEveryEntryIsProcessedAtTheRate() {
        Map<String, Object> r = leaky("--kafka=" + kafka.bootstrapServers(), "--share-group");
        assertEveryEntryProcessedWithinTheRate(r);
        assertEquals(0, number(r, "processed_more_than_once"), "each record is acknowledged as it is processed");
    }

    @Test
    void onAKafkaShareGroupACrashedConsumersRecordComesBackAfterItsLock() {
        Map<String, Object> r = leaky("--kafka=" + kafka.bootstrapServers(), "--share-group", "--crash-consumer-after=300ms",
                "--lock-duration=2s");
        assertEquals(PUBLISHERS, number(r, "processed"));
        assertEquals(0, number(r, "lost"));
        Map<?, ?> crash = (Map<?, ?>) r.get("crash");
        assertNotNull(crash, "the crash is reported");
        assertEquals(true, crash.get("in_process"), "it crashed holding a record");
        assertEquals(0, number(crash, "not_retaken"), "the record it held was delivered again: " + crash);
        assertTrue(((Number) crash.get("all_retaken_ms")).doubleValue() >= 1_500, "only once its 2 s lock ran out: " + crash);
    }

    @Test
    void onRedisACrashedConsumersEntriesAreClaimedByTheOthers() {
        Map<String, Object> r = leaky("--redis=" + redis.uri(), "--crash-consumer-after=300ms");
        assertEquals(PUBLISHERS, number(r, "processed"));
        assertEquals(0, number(r, "lost"));
        Map<?, ?> crash = (Map<?, ?>) r.get("crash");
        assertNotNull(crash, "the crash is reported");
        assertEquals(true, crash.get("in_process"), "it crashed holding an entry");
        assertEquals(0, number(crash, "not_retaken"), "everything it held was taken over: " + crash);
        assertTrue(((Number) crash.get("all_retaken_ms")).doubleValue() >= 100, "not before the entries were idle 100 ms: " + crash);
    }

    @Test
    void onKafkaACrashedConsumersPartitionsMoveToTheOthers() {
        Map<String, Object> r = leaky("--kafka=" + kafka.bootstrapServers(), "--crash-consumer-after=300ms", "--consumer-timeout=2s");
        assertEquals(PUBLISHERS, number(r, "processed"));
        assertEquals(0, number(r, "lost"));
        Map<?, ?> crash = (Map<?, ?>) r.get("crash");
        assertNotNull(crash, "the crash is reported");
        assertEquals(0, number(crash, "not_retaken"), "the record it held was read again: " + crash);
        assertTrue(((Number) crash.get("first_retaken_ms")).doubleValue() >= 1_000,
                "its partitions moved only once the group gave up on it (max.poll.interval.ms 2 s): " + crash);
    }

    @Test
    void usageErrorsExitWithTwo() {
        StreamsRuns.run(dir, 2, "leaky-bucket", "--intervalms=0");
        StreamsRuns.run(dir, 2, "leaky-bucket", "--broker=kafka", "--evicted-old-entries=10");
        StreamsRuns.run(dir, 2, "leaky-bucket", "--crash-consumer-after=1s", "--subscribers=1");
    }

    private static String take(Drain drain, long index) throws Exception {
        drain.dueNanos(index);
        return drain.start(index).toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void onRedisAMalformedEntryIsCountedAndSkipped() throws Exception {
        try (RedisTarget target = RedisTarget.open(RedisEndpointOptions.external(redis.uri()), ServerOptions.single(),
                new PrintStream(OutputStream.nullOutputStream()));
                RedisDrainQueue queue = new RedisDrainQueue(target, "malformed" + System.nanoTime(), 1, 0, Duration.ofMillis(100))) {
            queue.publishRaw("other".getBytes(StandardCharsets.US_ASCII), "x".getBytes(StandardCharsets.US_ASCII)).toCompletableFuture()
                    .get(10, TimeUnit.SECONDS);
            queue.publishRaw(RedisDrainQueue.FIELD, "too short".getBytes(StandardCharsets.US_ASCII)).toCompletableFuture()
                    .get(10, TimeUnit.SECONDS);
            DeliveryTracker tracker = new DeliveryTracker(1, false);
            Drain drain = new Drain(queue, tracker, 0, 1, TimeUnit.MILLISECONDS.toNanos(1), 0, -1, false);
            drain.started(System.nanoTime());
            assertEquals(Drain.MALFORMED, take(drain, 0));
            assertEquals(Drain.MALFORMED, take(drain, 1));
            assertEquals(Drain.IDLE, take(drain, 2), "both were acknowledged and skipped");
            assertEquals(2, tracker.report().malformed());
            queue.delete();
        }
    }

    @Test
    void onKafkaAMalformedRecordIsCountedAndSkipped() throws Exception {
        try (KafkaTarget target = KafkaTarget.of(kafka.bootstrapServers(), Duration.ofSeconds(10));
                KafkaDrainQueue queue = new KafkaDrainQueue(target, "malformed" + System.nanoTime(), 1, 1, 100, Duration.ofMillis(200),
                        Duration.ofSeconds(10))) {
            queue.awaitConsumers(Duration.ofSeconds(60));
            queue.publishRaw("not a stamp".getBytes(StandardCharsets.US_ASCII));
            DeliveryTracker tracker = new DeliveryTracker(1, false);
            Drain drain = new Drain(queue, tracker, 0, 1, TimeUnit.MILLISECONDS.toNanos(1), 0, -1, false);
            drain.started(System.nanoTime());
            String outcome = Drain.IDLE;
            for (int i = 0; i < 100 && outcome.equals(Drain.IDLE); i++) {
                outcome = take(drain, i);
            }
            assertEquals(Drain.MALFORMED, outcome);
            assertEquals(1, tracker.report().malformed());
            queue.close();
            queue.delete();
        }
    }

    @Test
    void onKafkaNoCommitPassesARecordWhoseRepublishIsUnconfirmed() throws Exception {
        String run = "republish" + System.nanoTime();
        String topic = "bp-lb-" + run;
        try (KafkaTarget target = KafkaTarget.of(kafka.bootstrapServers(), Duration.ofSeconds(10));
                Admin admin = target.admin()) {
            List<String> taken = new ArrayList<>();
            try (KafkaDrainQueue queue = new KafkaDrainQueue(target, run, 1, 1, 100, Duration.ofMillis(200), Duration.ofSeconds(10))) {
                queue.awaitConsumers(Duration.ofSeconds(60));
                queue.publishRaw("first".getBytes(StandardCharsets.US_ASCII));
                queue.publishRaw("second".getBytes(StandardCharsets.US_ASCII));
                // without its retry topic (and with topics not created on demand) the republish of a nack never completes
                admin.deleteTopics(List.of(topic + "-retry")).all().get(30, TimeUnit.SECONDS);
                for (int i = 0; i < 200 && taken.size() < 2; i++) {
                    Verdict verdict = taken.isEmpty() ? Verdict.NACK : Verdict.ACK;
                    Taken t = queue.take(0, false, d -> verdict).toCompletableFuture().get(10, TimeUnit.SECONDS);
                    if (t != null) {
                        taken.add(t.delivery().id());
                    }
                }
                for (int i = 0; i < 10; i++) { // more takes, more than 10 ms apart: each commits what is due
                    queue.take(0, false, d -> Verdict.ACK).toCompletableFuture().get(10, TimeUnit.SECONDS);
                    TimeUnit.MILLISECONDS.sleep(20);
                }
            } // a normal close: it commits what was processed, once it waited a bounded time for the republish
            assertEquals(List.of(topic + "/0@0", topic + "/0@1"), taken, "the first left unacknowledged, the second processed");
            OffsetAndMetadata committed = admin.listConsumerGroupOffsets(topic).partitionsToOffsetAndMetadata()
                    .get(30, TimeUnit.SECONDS).get(new TopicPartition(topic, 0));
            assertTrue(committed == null || committed.offset() == 0,
                    "the record whose republish never completed is not skipped: the next owner starts at it, not after the second: "
                            + committed);
            admin.deleteTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void onKafkaARecordWhoseRepublishFailsIsTakenAgain() throws Exception {
        String run = "republish-fails" + System.nanoTime();
        String topic = "bp-lb-" + run;
        try (KafkaTarget target = KafkaTarget.of(kafka.bootstrapServers(), Duration.ofSeconds(10));
                Admin admin = target.admin();
                KafkaDrainQueue queue = new KafkaDrainQueue(target, run, 1, 1, 100, Duration.ofMillis(200), Duration.ofSeconds(2))) {
            queue.awaitConsumers(Duration.ofSeconds(60));
            queue.publishRaw("first".getBytes(StandardCharsets.US_ASCII));
            admin.deleteTopics(List.of(topic + "-retry")).all().get(30, TimeUnit.SECONDS);
            List<String> taken = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            // the first take leaves it unacknowledged; its republish fails after 10 s (the shortest delivery timeout)
            while (taken.size() < 2 && System.nanoTime() < deadline) {
                Verdict verdict = taken.isEmpty() ? Verdict.NACK : Verdict.ACK;
                Taken t = queue.take(0, false, d -> verdict).toCompletableFuture().get(10, TimeUnit.SECONDS);
                if (t != null) {
                    taken.add(t.delivery().id());
                }
                TimeUnit.MILLISECONDS.sleep(20);
            }
            assertEquals(List.of(topic + "/0@0", topic + "/0@0"), taken, "its republish failed, so the record was taken again");
            assertEquals(1L, queue.failures().get("republishes_failed"), "and the failure counted: " + queue.failures());
            admin.deleteTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
        }
    }
}
