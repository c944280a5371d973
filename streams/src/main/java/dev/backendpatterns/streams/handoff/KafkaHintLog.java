package dev.backendpatterns.streams.handoff;

import dev.backendpatterns.common.filter.KeyHash;
import dev.backendpatterns.common.cli.UsageException;
import dev.backendpatterns.common.kafka.KafkaTarget;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * The log as a Kafka topic, {@code bp-hh-<name>}, one partition per shard, replicated on up to three brokers; an append
 * is a record acknowledged with acks=all (the key counts as recorded only in the send's callback: the reference read the
 * result before the callback ran). Replay reads every partition from the position to the end offsets it found at the
 * start, however many polls that takes (the reference stopped after one). Snapshots go to a compacted topic,
 * {@code bp-hh-<name>-snapshot}, under one record key, with a size limit large enough for the filter.
 */
final class KafkaHintLog implements HintLog {
    private static final byte[] SNAPSHOT_KEY = "snapshot".getBytes(StandardCharsets.US_ASCII);
    private static final int MAX_SNAPSHOT_BYTES = 256 << 20;

    private final KafkaTarget target;
    private final String topic;
    private final String snapshotTopic;
    private final int shards;
    private final KafkaProducer<byte[], byte[]> producer;
    private final long[] acknowledged;

    KafkaHintLog(KafkaTarget target, String name, int shards, int inFlight) {
        this.target = target;
        this.topic = "bp-hh-" + name;
        this.snapshotTopic = topic + "-snapshot";
        this.shards = shards;
        short replication = (short) Math.min(3, target.describe().nodes());
        target.createTopic(topic, shards, replication, Map.of());
        int existing = target.partitions(topic);
        if (existing != shards) {
            // keys go to partitions by their hash mod the shard count: another count would replay the wrong ones
            throw new UsageException("log " + name + " (topic " + topic + ") has " + existing + " partitions, not " + shards
                    + ": give --shards=" + existing + " or another --name");
        }
        target.createTopic(snapshotTopic, 1, replication, Map.of("cleanup.policy", "compact",
                "max.message.bytes", Integer.toString(MAX_SNAPSHOT_BYTES)));
        this.producer = target.dispatcherProducer(inFlight, 64, List.of(topic), Map.of());
        this.acknowledged = new long[shards];
        Arrays.fill(acknowledged, -1);
    }

    @Override
    public int shards() {
        return shards;
    }

    @Override
    public CompletionStage<Entry> append(String key) {
        int partition = (int) Long.remainderUnsigned(KeyHash.XX.hash(key), shards);
        return KafkaTarget.send(producer, new ProducerRecord<>(topic, partition, null, key.getBytes(StandardCharsets.UTF_8)))
                .thenApply(metadata -> new Entry(partition, Long.toString(metadata.offset())));
    }

    /** The callbacks of one partition come in order, so the newest covered offset of a partition is a watermark. */
    @Override
    public void covered(Entry entry) {
        synchronized (acknowledged) {
            acknowledged[entry.shard()] = Math.max(acknowledged[entry.shard()], Long.parseLong(entry.position()));
        }
    }

    @Override
    public void flush() {
        // the producer sends after its linger
    }

    @Override
    public List<String> covered() {
        List<String> positions = new ArrayList<>();
        synchronized (acknowledged) {
            for (long offset : acknowledged) {
                positions.add(offset < 0 ? null : Long.toString(offset));
            }
        }
        return positions;
    }

    @Override
    public long replay(List<String> from, Consumer<String> keys) {
        long count = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = target.consumer("bp-hh-replay", Map.of(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10_000))) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (int p = 0; p < shards; p++) {
                partitions.add(new TopicPartition(topic, p));
            }
            consumer.assign(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
            for (TopicPartition tp : partitions) {
                String after = from == null ? null : from.get(tp.partition());
                consumer.seek(tp, after == null ? 0 : Long.parseLong(after) + 1);
            }
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    if (record.offset() < end.get(new TopicPartition(record.topic(), record.partition()))) {
                        if (record.value() == null) {
                            keys.accept(null);
                        } else {
                            keys.accept(new String(record.value(), StandardCharsets.UTF_8));
                            count++;
                        }
                    }
                }
            }
            synchronized (acknowledged) {
                for (TopicPartition tp : partitions) {
                    acknowledged[tp.partition()] = Math.max(acknowledged[tp.partition()], end.get(tp) - 1);
                }
            }
        }
        return count;
    }

    @Override
    public long storeSnapshot(byte[] snapshot) {
        try (KafkaProducer<byte[], byte[]> big = target.producer(Map.of(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, MAX_SNAPSHOT_BYTES,
                ProducerConfig.BUFFER_MEMORY_CONFIG, (long) MAX_SNAPSHOT_BYTES * 2, ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4"))) {
            big.send(new ProducerRecord<>(snapshotTopic, SNAPSHOT_KEY, snapshot)).get(120, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot store the snapshot: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        return snapshot.length;
    }

    @Override
    public byte[] loadSnapshot() {
        byte[] last = null;
        try (KafkaConsumer<byte[], byte[]> consumer = target.consumer("bp-hh-snapshot",
                Map.of(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, MAX_SNAPSHOT_BYTES, ConsumerConfig.FETCH_MAX_BYTES_CONFIG, MAX_SNAPSHOT_BYTES))) {
            TopicPartition tp = new TopicPartition(snapshotTopic, 0);
            consumer.assign(List.of(tp));
            long end = consumer.endOffsets(List.of(tp), Duration.ofSeconds(30)).get(tp);
            consumer.seekToBeginning(List.of(tp));
            while (consumer.position(tp) < end) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    last = record.value();
                }
            }
        }
        return last;
    }

    @Override
    public String durability() {
        return "replicated on " + Math.min(3, target.describe().nodes()) + " broker(s), acks=all";
    }

    @Override
    public void delete() {
        try (Admin admin = target.admin()) {
            admin.deleteTopics(List.of(topic, snapshotTopic)).all().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot delete the log's topics: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }
}
