package dev.backendpatterns.pubsub.broker;

import dev.backendpatterns.common.kafka.KafkaTarget;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.WakeupException;

/**
 * Kafka: one topic per channel ({@code bp-ps-<run>-<channel>}, one partition, replicated on up to three brokers),
 * created before the run; one producer with acks=all and idempotence that never blocks the dispatcher
 * ({@link KafkaTarget#dispatcherProducer}); one consumer per subscription, each in a consumer group of its own (so
 * that every subscription gets every record, as on pub/sub) and polling on a thread of its own, committing its offsets
 * as it goes.
 */
public final class KafkaBroker implements Broker {
    private static final Duration POLL = Duration.ofMillis(100);

    private final KafkaTarget target;
    private final String prefix;
    private final String group;
    private final List<String> channels;
    private final KafkaProducer<byte[], byte[]> producer;
    private final List<Subscription> subscriptions = new ArrayList<>();

    /** Creates the topics of {@code channels} and a producer for at most {@code inFlight} records of {@code maxRecordBytes}. */
    public KafkaBroker(KafkaTarget target, String run, List<String> channels, int inFlight, int maxRecordBytes) {
        this.target = target;
        this.prefix = "bp-ps-" + run + "-";
        this.group = "bp-ps-" + run;
        this.channels = List.copyOf(channels);
        short replication = (short) Math.min(3, target.describe().nodes());
        List<String> topics = new ArrayList<>();
        for (String channel : channels) {
            target.createTopic(prefix + channel, 1, replication, Map.of());
            topics.add(prefix + channel);
        }
        this.producer = target.dispatcherProducer(inFlight, maxRecordBytes, topics, Map.of());
    }

    @Override
    public Publisher publisher() {
        return this::publish; // a Kafka producer is thread-safe, and sends on its own thread
    }

    @Override
    public CompletionStage<?> publish(String channel, byte[] payload) {
        return KafkaTarget.send(producer, new ProducerRecord<>(prefix + channel, payload));
    }

    @Override
    public void flush() {
        // the producer sends by itself after its linger
    }

    @Override
    public void subscribe(String channel, BiConsumer<String, byte[]> handler) {
        if (!channels.contains(channel)) {
            throw new IllegalArgumentException("no topic was created for channel " + channel);
        }
        Subscription subscription;
        synchronized (subscriptions) {
            subscription = new Subscription(target.consumer(group + "-" + subscriptions.size(), Map.of()), prefix + channel, channel, handler);
            subscriptions.add(subscription);
        }
        subscription.start();
    }

    @Override
    public String delivery() {
        return "at least once";
    }

    @Override
    public void close() {
        synchronized (subscriptions) {
            subscriptions.forEach(Subscription::stop);
            subscriptions.clear();
        }
        producer.close(Duration.ofSeconds(10));
    }

    /** One consumer polling one topic on its own thread. */
    private static final class Subscription {
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final String topic;
        private final String channel;
        private final BiConsumer<String, byte[]> handler;
        private final Thread thread;
        private final CompletableFuture<Void> assigned = new CompletableFuture<>();
        private volatile boolean stopped;

        Subscription(KafkaConsumer<byte[], byte[]> consumer, String topic, String channel, BiConsumer<String, byte[]> handler) {
            this.consumer = consumer;
            this.topic = topic;
            this.channel = channel;
            this.handler = handler;
            this.thread = new Thread(this::poll, "kafka-consumer-" + channel);
            this.thread.setDaemon(true);
        }

        void start() {
            thread.start();
            try {
                assigned.get(60, TimeUnit.SECONDS);
            } catch (Exception e) {
                stop();
                throw new IllegalStateException("the consumer of " + topic + " got no partition within 60 s", e);
            }
        }

        private void poll() {
            try {
                consumer.subscribe(List.of(topic));
                while (!stopped) {
                    ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
                    if (!consumer.assignment().isEmpty()) {
                        assigned.complete(null);
                    }
                    for (ConsumerRecord<byte[], byte[]> record : records) {
                        handler.accept(channel, record.value());
                    }
                    if (!records.isEmpty()) {
                        consumer.commitAsync();
                    }
                }
            } catch (WakeupException e) {
                // stopped
            } catch (RuntimeException e) {
                assigned.completeExceptionally(e);
            } finally {
                consumer.close(Duration.ofSeconds(5));
            }
        }

        /** Stops the poll loop with a wake-up, not an interrupt, so that the consumer closes cleanly. */
        void stop() {
            stopped = true;
            consumer.wakeup();
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
