package dev.backendpatterns.streams.leaky;

import dev.backendpatterns.common.kafka.KafkaTarget;
import dev.backendpatterns.common.messaging.MessageStamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.LongConsumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;

/**
 * The leaky bucket on Kafka: entries go round-robin to the partitions of {@code bp-lb-<run>}; the consumers form one
 * classic consumer group over it and its retry topic {@code bp-lb-<run>-retry}, each on its own thread (a Kafka consumer
 * is single-threaded) and given one record per take ({@code max.poll.records=1}, partitions paused while it idles). A
 * record is acknowledged by committing its offset; one not acknowledged is republished to the retry topic (acks=all)
 * and then committed, so it comes back at the retry topic's pace. A crashed consumer stops polling without committing
 * or leaving: the group moves its partitions after {@code max.poll.interval.ms}, and the record it held is read again
 * from the last committed offset.
 */
final class KafkaDrainQueue implements DrainQueue {
    private static final Duration ANSWER = Duration.ofSeconds(30);
    /** How long a take waits for its commit, a rebalance included; the load runner times a take out after 5 s. */
    private static final Duration COMMIT_WAIT = Duration.ofSeconds(3);

    private final KafkaTarget target;
    private final String topic;
    private final String retryTopic;
    private final int partitions;
    private final Duration pollLimit;
    private final Duration consumerTimeout;
    private final KafkaProducer<byte[], byte[]> producer;
    private final Worker[] workers;
    private final AtomicInteger assigned = new AtomicInteger();

    KafkaDrainQueue(KafkaTarget target, String run, int consumers, int partitions, int inFlight, Duration pollLimit,
            Duration consumerTimeout) {
        this.target = target;
        this.topic = "bp-lb-" + run;
        this.retryTopic = topic + "-retry";
        this.partitions = partitions;
        this.pollLimit = pollLimit;
        this.consumerTimeout = consumerTimeout;
        short replication = (short) Math.min(3, target.describe().nodes());
        target.createTopic(topic, partitions, replication, Map.of());
        target.createTopic(retryTopic, partitions, replication, Map.of());
        this.producer = target.dispatcherProducer(inFlight, MessageStamp.BYTES, List.of(topic, retryTopic), Map.of());
        this.workers = new Worker[consumers];
        for (int i = 0; i < consumers; i++) {
            workers[i] = new Worker(i, run);
        }
        for (Worker w : workers) {
            w.start();
        }
    }

    /** Waits until the group has given out every partition of both topics; the drain starts after. */
    void awaitAssignment(Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (assigned.get() < 2 * partitions) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the consumer group was given " + assigned.get() + " of " + 2 * partitions
                        + " partitions within " + limit.toSeconds() + " s");
            }
            try {
                TimeUnit.MILLISECONDS.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
    }

    @Override
    public CompletionStage<Void> publish(long sequence, byte[] payload) {
        return KafkaTarget.send(producer, new ProducerRecord<>(topic, (int) (sequence % partitions), null, payload)).thenApply(m -> null);
    }

    /** Appends a record as a foreign writer would (for tests of malformed entries). */
    void publishRaw(byte[] payload) throws Exception {
        producer.send(new ProducerRecord<>(topic, 0, null, payload)).get(ANSWER.toSeconds(), TimeUnit.SECONDS);
    }

    @Override
    public void flush() {
        // the producer sends after its linger
    }

    @Override
    public boolean claims() {
        return false;
    }

    @Override
    public CompletionStage<Taken> take(int consumer, boolean claim, Function<Delivery, Verdict> verdict) {
        return workers[consumer].take(verdict);
    }

    @Override
    public CompletionStage<Held> stop(int consumer) {
        return workers[consumer].crash();
    }

    @Override
    public void remaining(LongConsumer sequences) {
        readAll(target, List.of(topic, retryTopic), partitions, sequences);
    }

    /** Reads {@code topics} (of {@code partitions} each) from the start to their current end, handing on our sequences. */
    static void readAll(KafkaTarget target, List<String> topics, int partitions, LongConsumer sequences) {
        try (KafkaConsumer<byte[], byte[]> reader = target.consumer("bp-lb-reconcile", Map.of(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10_000))) {
            List<TopicPartition> all = new ArrayList<>();
            for (String t : topics) {
                for (int p = 0; p < partitions; p++) {
                    all.add(new TopicPartition(t, p));
                }
            }
            reader.assign(all);
            Map<TopicPartition, Long> end = reader.endOffsets(all, ANSWER);
            reader.seekToBeginning(all);
            while (all.stream().anyMatch(tp -> reader.position(tp, ANSWER) < end.get(tp))) {
                for (ConsumerRecord<byte[], byte[]> record : reader.poll(Duration.ofMillis(500))) {
                    long sequence = Drain.sequenceOf(record.value());
                    if (sequence >= 0 && record.offset() < end.get(new TopicPartition(record.topic(), record.partition()))) {
                        sequences.accept(sequence);
                    }
                }
            }
        }
    }

    @Override
    public String redelivery() {
        return "a record not acknowledged is republished to " + retryTopic + " and its offset committed; a crashed consumer's "
                + "partitions move after max.poll.interval.ms = " + consumerTimeout.toMillis() + " ms";
    }

    @Override
    public void delete() {
        try (Admin admin = target.admin()) {
            admin.deleteTopics(List.of(topic, retryTopic)).all().get(ANSWER.toSeconds(), TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot delete the run's topics: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        for (Worker w : workers) {
            w.close();
        }
        producer.close(Duration.ofSeconds(10));
    }

    /**
     * One consumer of the group; takes, commits and republishes run on its thread. Between takes that are far apart it
     * polls with its partitions paused, to stay in the group without taking anything.
     */
    private final class Worker extends ConsumerThread implements ConsumerRebalanceListener {
        private final KafkaConsumer<byte[], byte[]> consumer;

        Worker(int index, String run) {
            super(index, "leaky-consumer");
            this.consumer = target.consumer("bp-lb-" + run, Map.of(
                    ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1,
                    ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, (int) consumerTimeout.toMillis(),
                    ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 6_000,
                    ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 1_000,
                    ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName(),
                    ConsumerConfig.CLIENT_ID_CONFIG, "bp-lb-" + run + "-" + index));
        }

        @Override
        void subscribe() {
            consumer.subscribe(List.of(topic, retryTopic), this);
        }

        /** Polls with every partition paused, to keep the group's membership and run its callbacks. */
        @Override
        void idle() {
            consumer.pause(consumer.assignment());
            ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ZERO);
            rewind(records.iterator());
        }

        /** Hands records back (seeks to them), so that none is skipped; a paused poll should return none. */
        private void rewind(Iterator<ConsumerRecord<byte[], byte[]>> records) {
            Set<TopicPartition> seen = new HashSet<>();
            while (records.hasNext()) {
                ConsumerRecord<byte[], byte[]> record = records.next();
                TopicPartition tp = new TopicPartition(record.topic(), record.partition());
                if (seen.add(tp)) {
                    consumer.seek(tp, record.offset());
                }
            }
        }

        /** One record (max.poll.records=1); the partitions stay resumed, so the fetcher keeps the next ones ready. */
        private ConsumerRecord<byte[], byte[]> pollOne() {
            consumer.resume(consumer.paused());
            ConsumerRecords<byte[], byte[]> records = consumer.poll(pollLimit);
            Iterator<ConsumerRecord<byte[], byte[]>> it = records.iterator();
            if (!it.hasNext()) {
                return null;
            }
            ConsumerRecord<byte[], byte[]> record = it.next();
            rewind(it);
            return record;
        }

        private Delivery delivery(ConsumerRecord<byte[], byte[]> record) {
            boolean retry = record.topic().equals(retryTopic);
            return new Delivery(index, record.partition() + (retry ? partitions : 0),
                    record.topic() + "/" + record.partition() + "@" + record.offset(), record.value(), retry);
        }

        @Override
        Taken takeOne(Function<Delivery, Verdict> verdict) {
            ConsumerRecord<byte[], byte[]> record = pollOne();
            if (record == null) {
                return null;
            }
            Delivery d = delivery(record);
            Verdict v = verdict.apply(d);
            if (v == Verdict.NACK) {
                try {
                    producer.send(new ProducerRecord<>(retryTopic, record.partition(), null, record.value()))
                            .get(ANSWER.toSeconds(), TimeUnit.SECONDS);
                } catch (Exception e) {
                    consumer.seek(new TopicPartition(record.topic(), record.partition()), record.offset());
                    throw new IllegalStateException("cannot republish to " + retryTopic + ": " + e.getMessage(), e);
                }
            }
            TopicPartition tp = new TopicPartition(record.topic(), record.partition());
            if (!commit(tp, record.offset() + 1)) {
                // the partition moved before the commit: its new owner takes the record again, as if never acknowledged
                return new Taken(d, Verdict.NACK);
            }
            return new Taken(d, v);
        }

        /**
         * Commits {@code offset} on {@code tp}; during a rebalance it polls (paused, handing back anything fetched) until
         * the rebalance is over and tries again. False when {@code tp} was revoked meanwhile. When the commit still
         * fails (within {@link #COMMIT_WAIT}, below the take's own timeout), the consumer seeks back to the record (the position is past it: a later commit would skip it for good).
         */
        private boolean commit(TopicPartition tp, long offset) {
            long deadline = System.nanoTime() + COMMIT_WAIT.toNanos();
            while (true) {
                try {
                    consumer.commitSync(Map.of(tp, new OffsetAndMetadata(offset)), COMMIT_WAIT);
                    return true;
                } catch (RebalanceInProgressException e) {
                    if (System.nanoTime() - deadline > 0) {
                        return failed(tp, offset, e);
                    }
                    consumer.pause(consumer.assignment());
                    rewind(consumer.poll(Duration.ofMillis(20)).iterator());
                    if (!consumer.assignment().contains(tp)) {
                        return false;
                    }
                } catch (KafkaException e) {
                    return failed(tp, offset, e);
                }
            }
        }

        private boolean failed(TopicPartition tp, long offset, KafkaException e) {
            if (consumer.assignment().contains(tp)) {
                consumer.seek(tp, offset - 1);
                throw new IllegalStateException("cannot commit " + tp + "@" + (offset - 1) + " (it will be taken again): " + e.getMessage(), e);
            }
            return false;
        }

        /** A record read and never committed. */
        @Override
        Delivery holdOne() {
            ConsumerRecord<byte[], byte[]> record = pollOne();
            return record == null ? null : delivery(record);
        }

        @Override
        Set<Integer> ownedShards() {
            Set<Integer> shards = new HashSet<>();
            for (TopicPartition tp : consumer.assignment()) {
                shards.add(tp.partition() + (tp.topic().equals(retryTopic) ? partitions : 0));
            }
            return shards;
        }

        @Override
        void closeConsumer() {
            consumer.close(Duration.ofSeconds(5));
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
            assigned.addAndGet(-revoked.size());
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> added) {
            consumer.pause(added);
            assigned.addAndGet(added.size());
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> lost) {
            onPartitionsRevoked(lost);
        }
    }
}
