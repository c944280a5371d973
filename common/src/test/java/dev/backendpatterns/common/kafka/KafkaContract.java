package dev.backendpatterns.common.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;

/** Checks any Kafka must pass through the suite's factories, embedded or in a container. */
public final class KafkaContract {
    private KafkaContract() {
    }

    static byte[] bytes(int i) {
        return Integer.toString(i).getBytes(StandardCharsets.UTF_8);
    }

    /** Produces records {@code from..to-1} (key = value = the number) with acks=all; the acknowledged metadata. */
    public static List<RecordMetadata> produce(KafkaTarget kafka, String topic, int from, int to) throws Exception {
        List<Future<RecordMetadata>> sends = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = kafka.producer(Map.of())) {
            for (int i = from; i < to; i++) {
                sends.add(producer.send(new ProducerRecord<>(topic, bytes(i), bytes(i))));
            }
            producer.flush();
        }
        List<RecordMetadata> acknowledged = new ArrayList<>();
        for (Future<RecordMetadata> send : sends) {
            acknowledged.add(send.get(30, TimeUnit.SECONDS));
        }
        return acknowledged;
    }

    /** Polls until {@code count} records arrived or a minute passed. */
    public static List<ConsumerRecord<byte[], byte[]>> consume(KafkaConsumer<byte[], byte[]> consumer, int count) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (records.size() < count && System.nanoTime() < deadline) {
            consumer.poll(Duration.ofMillis(500)).forEach(records::add);
        }
        return records;
    }

    /** A consumer group commits part of a topic; the group's next consumer resumes exactly at the committed offset. */
    public static void committedOffsetIsKeptForTheGroup(KafkaTarget kafka) throws Exception {
        kafka.createTopic("bp-single", 1, (short) 1, Map.of());
        assertEquals(1000, produce(kafka, "bp-single", 0, 1000).size());
        TopicPartition partition = new TopicPartition("bp-single", 0);
        long next;
        try (KafkaConsumer<byte[], byte[]> first = kafka.consumer("bp-group", Map.of("max.poll.records", 100))) {
            first.subscribe(List.of("bp-single"));
            List<ConsumerRecord<byte[], byte[]>> read = consume(first, 300);
            next = read.get(read.size() - 1).offset() + 1;
            first.commitSync(Map.of(partition, new OffsetAndMetadata(next)));
        }
        try (KafkaConsumer<byte[], byte[]> second = kafka.consumer("bp-group", Map.of())) {
            second.subscribe(List.of("bp-single"));
            List<ConsumerRecord<byte[], byte[]>> rest = consume(second, (int) (1000 - next));
            assertEquals(1000 - next, rest.size(), "the group's next consumer reads exactly what was not committed");
            assertEquals(next, rest.get(0).offset(), "and starts at the committed offset");
            assertEquals(Long.toString(next), new String(rest.get(0).value(), StandardCharsets.UTF_8));
        }
    }

    /**
     * The load runner's dispatcher producer never stalls its thread: a send to the topic it was made for is acknowledged,
     * and a send that would block (here, for the metadata of a topic that does not exist) returns within
     * {@code max.block.ms} and fails its stage with Kafka's timeout, which the runner counts as an error. A plain
     * producer would hold the sending thread for 60 s instead.
     */
    public static void dispatcherProducerNeverBlocksItsThread(KafkaTarget kafka) throws Exception {
        kafka.createTopic("bp-dispatch", 2, (short) 1, Map.of());
        try (KafkaProducer<byte[], byte[]> producer = kafka.dispatcherProducer(16, 100, List.of("bp-dispatch"), Map.of())) {
            long start = System.nanoTime();
            CompletableFuture<RecordMetadata> warm = KafkaTarget.send(producer, new ProducerRecord<>("bp-dispatch", bytes(1), bytes(1)));
            long warmSendNanos = System.nanoTime() - start;
            assertEquals("bp-dispatch", warm.get(30, TimeUnit.SECONDS).topic());
            assertTrue(warmSendNanos < TimeUnit.MILLISECONDS.toNanos(100),
                    "a send to a topic whose metadata was fetched before the run does not wait: " + warmSendNanos / 1000 + " us");

            start = System.nanoTime();
            CompletableFuture<RecordMetadata> cold = KafkaTarget.send(producer, new ProducerRecord<>("bp-no-such-topic", bytes(2), bytes(2)));
            long coldSendMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(coldSendMillis >= 150 && coldSendMillis < 2000,
                    "a send that would block gives up after max.block.ms (200 ms): " + coldSendMillis + " ms");
            ExecutionException failed = assertThrows(ExecutionException.class, () -> cold.get(5, TimeUnit.SECONDS));
            assertInstanceOf(org.apache.kafka.common.errors.TimeoutException.class, failed.getCause(),
                    "its stage fails with Kafka's timeout: " + failed.getCause());
        }
    }
}
