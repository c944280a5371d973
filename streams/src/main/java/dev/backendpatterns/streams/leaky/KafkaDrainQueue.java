package dev.backendpatterns.streams.leaky;

import dev.backendpatterns.common.kafka.KafkaTarget;
import dev.backendpatterns.common.messaging.MessageStamp;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.LongConsumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;

/**
 * The leaky bucket on Kafka: entries go round-robin to the partitions of {@code bp-lb-<run>}; the consumers form one
 * classic consumer group over it and its retry topic {@code bp-lb-<run>-retry}, each on its own thread (a Kafka consumer
 * is single-threaded), taking one record per take from the batch its last poll returned (partitions paused while it
 * idles). A record not acknowledged is republished to the retry topic (acks=all), so it comes back at the retry topic's
 * pace. Offsets are committed every {@link #COMMIT_EVERY}, each only up to the first record not yet processed or whose
 * republish is unconfirmed: at least once, never a record skipped. A crashed consumer stops polling without committing
 * or leaving: the group moves its partitions after {@code max.poll.interval.ms}, and what it processed since its last
 * commit, and the record it held, are read again from the last committed offset.
 */
final class KafkaDrainQueue implements DrainQueue {
    private static final Duration ANSWER = Duration.ofSeconds(30);
    /** How long a rebalance waits for the commit of the partitions it takes away. */
    private static final Duration COMMIT_WAIT = Duration.ofSeconds(3);
    /** How often a consumer commits what it processed: the most a crash makes it take again, in time. */
    static final Duration COMMIT_EVERY = Duration.ofMillis(10);
    /** The shortest time a publish or a republish waits for the broker's confirmation before it fails. */
    private static final Duration MIN_DELIVERY = Duration.ofSeconds(10);
    /** The records one poll hands a consumer, taken one per take. */
    private static final int BATCH = 100;
    /** The longest a consumer working through a batch goes without polling. */
    private static final Duration KEEP_ALIVE = Duration.ofSeconds(1);

    private final KafkaTarget target;
    private final String topic;
    private final String retryTopic;
    private final int partitions;
    private final Duration pollLimit;
    private final Duration consumerTimeout;
    private final KafkaProducer<byte[], byte[]> producer;
    private final Worker[] workers;
    private final AtomicInteger assigned = new AtomicInteger();
    private final AtomicLong commitsFailed = new AtomicLong();
    private final AtomicLong republishFailed = new AtomicLong();

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
        // a republish unconfirmed for long holds back its partition's commits: it fails after the longer of the consumer
        // timeout and MIN_DELIVERY (and a publish as well), and its record is taken again
        long delivery = Math.max(consumerTimeout.toMillis(), MIN_DELIVERY.toMillis());
        this.producer = target.dispatcherProducer(inFlight, MessageStamp.BYTES, List.of(topic, retryTopic), Map.of(
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) delivery,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) delivery / 2));
        this.workers = new Worker[consumers];
        for (int i = 0; i < consumers; i++) {
            workers[i] = new Worker(i, run);
        }
        for (Worker w : workers) {
            w.start();
        }
    }

    /** Waits until the group has given out every partition of both topics. */
    @Override
    public void awaitConsumers(Duration limit) {
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
        return "a record not acknowledged is republished to " + retryTopic + "; offsets are committed every "
                + COMMIT_EVERY.toMillis() + " ms up to the first record not processed or not yet republished; a crashed consumer's "
                + "partitions move after max.poll.interval.ms = " + consumerTimeout.toMillis() + " ms";
    }

    @Override
    public Map<String, Long> failures() {
        return Map.of("commits_failed", commitsFailed.get(), "republishes_failed", republishFailed.get());
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
     * One consumer of the group, on its own thread. It polls a batch ({@value #BATCH} records at most) and takes from it
     * one record per take; a record not acknowledged is republished without waiting for the broker. Every
     * {@code COMMIT_EVERY} it commits, asynchronously, each partition's offset up to the first record not yet processed
     * or still being republished, so a commit never covers a record that is neither processed nor in the retry topic.
     * A republish that fails sends the consumer back to that record, to take it again. Between takes that are far apart
     * it polls with its partitions paused, to stay in the group without fetching more.
     */
    private final class Worker extends ConsumerThread implements ConsumerRebalanceListener {
        private final KafkaConsumer<byte[], byte[]> consumer;
        /** Polled and not yet taken, in offset order per partition. */
        private final ArrayDeque<ConsumerRecord<byte[], byte[]>> polled = new ArrayDeque<>();
        private final Map<TopicPartition, Progress> progress = new HashMap<>();
        private long lastPollNanos = System.nanoTime();
        private long lastCommitNanos = System.nanoTime();

        Worker(int index, String run) {
            super(index, "leaky-consumer");
            this.consumer = target.consumer("bp-lb-" + run, Map.of(
                    ConsumerConfig.MAX_POLL_RECORDS_CONFIG, BATCH,
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

        /** Commits what is due, then polls with every partition paused, to keep the group's membership and run callbacks. */
        @Override
        void idle() {
            commit(true);
            keepAlive();
        }

        private void keepAlive() {
            consumer.pause(consumer.assignment());
            consumer.poll(Duration.ZERO).forEach(polled::add); // paused: none, normally
            lastPollNanos = System.nanoTime();
        }

        /** The next record, polling a batch when none is left (the partitions resumed); null when there was none. */
        private ConsumerRecord<byte[], byte[]> next() {
            if (polled.isEmpty()) {
                consumer.resume(consumer.paused());
                consumer.poll(pollLimit).forEach(polled::add);
                lastPollNanos = System.nanoTime();
            } else if (System.nanoTime() - lastPollNanos > KEEP_ALIVE.toNanos()) {
                keepAlive(); // a slow drain of a full batch must still poll within max.poll.interval.ms
            }
            return polled.poll();
        }

        private Delivery delivery(ConsumerRecord<byte[], byte[]> record) {
            boolean retry = record.topic().equals(retryTopic);
            return new Delivery(index, record.partition() + (retry ? partitions : 0),
                    record.topic() + "/" + record.partition() + "@" + record.offset(), record.value(), retry);
        }

        @Override
        Taken takeOne(Function<Delivery, Verdict> verdict) {
            ConsumerRecord<byte[], byte[]> record = next();
            if (record == null) {
                commit(false);
                return null;
            }
            Delivery d = delivery(record);
            Verdict v = verdict.apply(d);
            Progress p = progress.computeIfAbsent(new TopicPartition(record.topic(), record.partition()), tp -> new Progress());
            if (v == Verdict.NACK) {
                p.republishing.add(new Republish(record.offset(),
                        KafkaTarget.send(producer, new ProducerRecord<>(retryTopic, record.partition(), null, record.value()))
                                .toCompletableFuture()));
            }
            p.next = record.offset() + 1;
            commit(false);
            return new Taken(d, v);
        }

        /** Commits, asynchronously, every partition whose commit point moved; only every COMMIT_EVERY unless forced. */
        private void commit(boolean force) {
            long now = System.nanoTime();
            if (!force && now - lastCommitNanos < COMMIT_EVERY.toNanos()) {
                return;
            }
            lastCommitNanos = now;
            Map<TopicPartition, OffsetAndMetadata> offsets = due(progress.keySet(), true);
            if (!offsets.isEmpty()) {
                consumer.commitAsync(offsets, (done, error) -> {
                    if (error != null) {
                        commitsFailed.incrementAndGet(); // the records were processed: the next owner takes them again
                    }
                });
            }
        }

        /**
         * The offsets to commit on {@code partitions}: each one's first record not yet processed or still being
         * republished, where that moved since its last commit. A republish that failed, when {@code retake}, sends the
         * consumer back to its record (and drops what was polled after it), so that it is taken again.
         */
        private Map<TopicPartition, OffsetAndMetadata> due(Collection<TopicPartition> partitions, boolean retake) {
            Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
            for (TopicPartition tp : partitions) {
                Progress p = progress.get(tp);
                if (p == null) {
                    continue;
                }
                while (!p.republishing.isEmpty() && p.republishing.peek().acked().isDone()) {
                    Republish r = p.republishing.peek();
                    if (r.acked().isCompletedExceptionally()) {
                        republishFailed.incrementAndGet();
                        p.republishing.clear();
                        p.next = r.offset();
                        if (retake) {
                            polled.removeIf(record -> record.partition() == tp.partition() && record.topic().equals(tp.topic()));
                            consumer.seek(tp, r.offset());
                        }
                        break;
                    }
                    p.republishing.poll();
                }
                long upTo = p.republishing.isEmpty() ? p.next : p.republishing.peek().offset();
                if (upTo > p.committed) {
                    offsets.put(tp, new OffsetAndMetadata(upTo));
                    p.committed = upTo;
                }
            }
            return offsets;
        }

        /** Waits (a bounded time) for the republishes on {@code partitions}, then commits them synchronously. */
        private void commitNow(Collection<TopicPartition> partitions) {
            long deadline = System.nanoTime() + COMMIT_WAIT.toNanos();
            for (TopicPartition tp : partitions) {
                Progress p = progress.get(tp);
                for (Republish r : p == null ? List.<Republish>of() : p.republishing) {
                    try {
                        r.acked().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                    } catch (Exception e) {
                        break; // failed or not yet answered: commit only up to it
                    }
                }
            }
            Map<TopicPartition, OffsetAndMetadata> offsets = due(partitions, false);
            if (!offsets.isEmpty()) {
                try {
                    consumer.commitSync(offsets, COMMIT_WAIT);
                } catch (KafkaException e) {
                    commitsFailed.incrementAndGet(); // taken again by the next owner, as a redelivery
                }
            }
        }

        /** A record read and never processed. */
        @Override
        Delivery holdOne() {
            ConsumerRecord<byte[], byte[]> record = next();
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

        /** A consumer that crashed commits nothing more; one closing normally commits what it processed. */
        @Override
        void closeConsumer(boolean crashed) {
            if (!crashed) {
                commitNow(List.copyOf(progress.keySet()));
            }
            consumer.close(Duration.ofSeconds(5));
        }

        /** Commits what was processed on the partitions going away, so that their next owner does not take it again. */
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
            assigned.addAndGet(-revoked.size());
            commitNow(revoked);
            forget(revoked);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> added) {
            consumer.pause(added);
            assigned.addAndGet(added.size());
        }

        /** No longer ours to commit: the next owner takes their uncommitted records again. */
        @Override
        public void onPartitionsLost(Collection<TopicPartition> lost) {
            assigned.addAndGet(-lost.size());
            forget(lost);
        }

        private void forget(Collection<TopicPartition> gone) {
            gone.forEach(progress::remove);
            polled.removeIf(record -> gone.contains(new TopicPartition(record.topic(), record.partition())));
        }
    }

    /** A partition's progress on one consumer: offsets, not records. */
    private static final class Progress {
        /** One past the last record processed. */
        long next = -1;
        /** The last offset committed (sent to commit). */
        long committed = -1;
        /** Records not acknowledged whose republish the broker has not confirmed yet, in offset order. */
        final ArrayDeque<Republish> republishing = new ArrayDeque<>();
    }

    private record Republish(long offset, CompletableFuture<?> acked) {
    }
}
