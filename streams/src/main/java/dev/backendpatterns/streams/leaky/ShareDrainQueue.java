package dev.backendpatterns.streams.leaky;

import dev.backendpatterns.common.kafka.KafkaTarget;
import dev.backendpatterns.common.messaging.MessageStamp;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.LongConsumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ShareGroupDescription;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;

/**
 * The leaky bucket on a Kafka share group (KIP-932, Kafka 4.2+): the consumers share every partition of
 * {@code bp-lb-<run>}. Each poll acquires a batch ({@code share.acquire.mode=record_limit}, {@code max.poll.records}
 * the batch: at most 100, and no more than a quarter of the lock's worth of ticks, so a batch is done long before its
 * lock runs out), and each take processes one record of it and acknowledges it explicitly: ACCEPT when processed,
 * RELEASE when not, after which the broker delivers it again with its delivery count raised. The batch's
 * acknowledgements go to the broker in one asynchronous commit once its last record is taken; one that fails (its lock
 * ran out first) is counted and leaves the record to be delivered again: at least once. A crashed consumer holds the
 * batch it had not committed until the acquisition lock ({@code share.record.lock.duration.ms}, set on the group)
 * runs out. The consumers join before the burst (a share
 * consumer joins on its first poll, and a member that joins after the others may wait a heartbeat interval, 5 s by
 * default, for its assignment), so none is still joining while the others drain.
 */
final class ShareDrainQueue implements DrainQueue {
    private static final Duration ANSWER = Duration.ofSeconds(30);

    private final KafkaTarget target;
    private final String topic;
    private final String group;
    private final int partitions;
    private final Duration pollLimit;
    private final Duration lock;
    private final int batch;
    private final KafkaProducer<byte[], byte[]> producer;
    private final Worker[] workers;
    private final AtomicLong acknowledgementsFailed = new AtomicLong();
    /** Until every member has its assignment, idle consumers poll to join (the topic is empty then: the burst is after). */
    private volatile boolean joining = true;

    /** The records a poll acquires: at most 100, and at most a quarter of the lock's worth of one consumer's ticks. */
    static int batchFor(Duration interval, Duration lock) {
        return (int) Math.max(1, Math.min(100, lock.toMillis() / (4 * Math.max(1, interval.toMillis()))));
    }

    ShareDrainQueue(KafkaTarget target, String run, int consumers, int partitions, int inFlight, Duration pollLimit,
            Duration interval, Duration lock) {
        this.target = target;
        this.topic = "bp-lb-" + run;
        this.group = "bp-lb-" + run + "-share";
        this.partitions = partitions;
        this.pollLimit = pollLimit;
        this.lock = lock;
        this.batch = batchFor(interval, lock);
        short replication = (short) Math.min(3, target.describe().nodes());
        target.createTopic(topic, partitions, replication, Map.of());
        configureGroup();
        this.producer = target.dispatcherProducer(inFlight, MessageStamp.BYTES, List.of(topic), Map.of());
        this.workers = new Worker[consumers];
        for (int i = 0; i < consumers; i++) {
            workers[i] = new Worker(i);
            workers[i].start();
        }
    }

    /** The group reads from the earliest offset (the burst comes before it exists) and locks records for {@link #lock}. */
    private void configureGroup() {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.GROUP, group);
        List<AlterConfigOp> ops = List.of(
                new AlterConfigOp(new ConfigEntry("share.auto.offset.reset", "earliest"), AlterConfigOp.OpType.SET),
                new AlterConfigOp(new ConfigEntry("share.record.lock.duration.ms", Long.toString(lock.toMillis())), AlterConfigOp.OpType.SET));
        try (Admin admin = target.admin()) {
            admin.incrementalAlterConfigs(Map.of(resource, ops)).all().get(ANSWER.toSeconds(), TimeUnit.SECONDS);
        } catch (Exception e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new IllegalStateException("cannot configure share group " + group + " (a Kafka 4.2 or newer with share groups "
                    + "on is needed; the lock must lie within the broker's group.share.min/max.record.lock.duration.ms): "
                    + cause.getMessage(), e);
        }
    }

    /** Waits until the group has every consumer as a member holding its assignment, reconciled to the group's epoch. */
    @Override
    public void awaitConsumers(Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        String state = "not described yet";
        try (Admin admin = target.admin()) {
            while (true) {
                try {
                    ShareGroupDescription d = admin.describeShareGroups(List.of(group)).describedGroups().get(group)
                            .get(ANSWER.toSeconds(), TimeUnit.SECONDS);
                    long ready = d.members().stream().filter(m -> !m.assignment().topicPartitions().isEmpty()
                            && m.memberEpoch() == d.targetAssignmentEpoch()).count();
                    if (ready >= workers.length) {
                        joining = false;
                        return;
                    }
                    state = d.members().size() + " members, " + ready + " holding their assignment";
                } catch (ExecutionException | TimeoutException e) {
                    state = String.valueOf(e.getCause() != null ? e.getCause().getMessage() : e.getMessage());
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the share group " + group + " did not give its " + workers.length
                            + " consumers their assignment within " + limit.toSeconds() + " s: " + state);
                }
                TimeUnit.MILLISECONDS.sleep(50);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    @Override
    public CompletionStage<Void> publish(long sequence, byte[] payload) {
        return KafkaTarget.send(producer, new ProducerRecord<>(topic, (int) (sequence % partitions), null, payload)).thenApply(m -> null);
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
        KafkaDrainQueue.readAll(target, List.of(topic), partitions, sequences);
    }

    @Override
    public String redelivery() {
        return "share group, " + batch + " records acquired per poll: a record released is delivered again with its "
                + "delivery count raised; a crashed consumer's uncommitted batch after the acquisition lock, "
                + "share.record.lock.duration.ms = " + lock.toMillis() + " ms";
    }

    @Override
    public Map<String, Long> failures() {
        return Map.of("acknowledgements_failed", acknowledgementsFailed.get());
    }

    @Override
    public void delete() {
        try (Admin admin = target.admin()) {
            admin.deleteShareGroups(List.of(group)).all().get(ANSWER.toSeconds(), TimeUnit.SECONDS);
            admin.deleteTopics(List.of(topic)).all().get(ANSWER.toSeconds(), TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot delete the run's share group and topic: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        for (Worker w : workers) {
            w.close();
        }
        producer.close(Duration.ofSeconds(10));
    }

    /** One member of the share group; takes and acknowledgements run on its thread. */
    private final class Worker extends ConsumerThread {
        private final KafkaShareConsumer<byte[], byte[]> consumer;
        private final ArrayDeque<ConsumerRecord<byte[], byte[]>> acquired = new ArrayDeque<>();
        /** The batch's records acknowledged since the last commit: the broker has not heard of them yet. */
        private final List<String> uncommitted = new ArrayList<>();

        Worker(int index) {
            super(index, "leaky-share-consumer");
            this.consumer = target.shareConsumer(group, Map.of(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, batch,
                    ConsumerConfig.CLIENT_ID_CONFIG, group + "-" + index));
            // an acknowledgement that fails (its lock ran out first) leaves the record to be delivered again: at least once
            consumer.setAcknowledgementCommitCallback((offsets, error) -> {
                if (error != null) {
                    acknowledgementsFailed.addAndGet(offsets.values().stream().mapToLong(Set::size).sum());
                }
            });
        }

        @Override
        void subscribe() {
            consumer.subscribe(List.of(topic));
        }

        /**
         * A poll while the group forms (a share consumer joins on its first poll; the topic is empty then, and a record
         * it would acquire is kept for the next take), then nothing: heartbeats run on their own, and a poll would
         * acquire records.
         */
        @Override
        void idle() {
            if (joining && acquired.isEmpty()) {
                consumer.poll(Duration.ofMillis(20)).forEach(acquired::add);
            }
        }

        /** The next acquired record: one left from the last poll, or a new poll (only once all were acknowledged). */
        private ConsumerRecord<byte[], byte[]> next() {
            if (acquired.isEmpty()) {
                consumer.poll(pollLimit).forEach(acquired::add);
            }
            return acquired.poll();
        }

        private Delivery delivery(ConsumerRecord<byte[], byte[]> record) {
            int count = record.deliveryCount().map(Short::intValue).orElse(1);
            return new Delivery(index, record.partition(), idOf(record), record.value(), count > 1);
        }

        private static String idOf(ConsumerRecord<byte[], byte[]> record) {
            return record.topic() + "/" + record.partition() + "@" + record.offset();
        }

        @Override
        Taken takeOne(Function<Delivery, Verdict> verdict) {
            ConsumerRecord<byte[], byte[]> record = next();
            if (record == null) {
                return null;
            }
            Delivery d = delivery(record);
            Verdict v = verdict.apply(d);
            consumer.acknowledge(record, v == Verdict.NACK ? AcknowledgeType.RELEASE : AcknowledgeType.ACCEPT);
            uncommitted.add(d.id());
            if (acquired.isEmpty()) {
                consumer.commitAsync(); // the batch's acknowledgements in one request
                uncommitted.clear();
            }
            return new Taken(d, v);
        }

        /** A record acquired and never acknowledged: it comes back when its lock runs out. */
        @Override
        Delivery holdOne() {
            ConsumerRecord<byte[], byte[]> record = next();
            return record == null ? null : delivery(record);
        }

        /** The batch: acknowledged but not committed, or not taken yet; the broker hears of none of it. */
        @Override
        Set<String> unacknowledged() {
            Set<String> ids = new HashSet<>(uncommitted);
            acquired.forEach(r -> ids.add(idOf(r)));
            return ids;
        }

        /** None: the members of a share group share the partitions. */
        @Override
        Set<Integer> ownedShards() {
            return Set.of();
        }

        @Override
        void closeConsumer(boolean crashed) {
            consumer.close(Duration.ofSeconds(5));
        }
    }
}
