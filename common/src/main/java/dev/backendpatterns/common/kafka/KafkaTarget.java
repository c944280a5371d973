package dev.backendpatterns.common.kafka;

import dev.backendpatterns.common.cli.KafkaEndpointOptions;
import dev.backendpatterns.common.cli.ServerOptions;
import dev.backendpatterns.common.report.Backend;
import dev.backendpatterns.common.report.BackendInfo;
import dev.backendpatterns.common.report.ServerMemory;
import java.io.PrintStream;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The Kafka a run talks to, external or embedded (started here, stopped on {@link #close()}), and the factories of
 * its clients: producers with acks=all and idempotence, batching tuned for throughput; consumers that commit by hand;
 * an admin that creates topics with explicit partitions and replication. Every setting can be overridden by
 * {@code --kafka-config} or by the caller.
 */
public final class KafkaTarget implements Backend {
    private final String bootstrapServers;
    private final Properties extra;
    private final EmbeddedKafka embedded;
    private final Duration timeout;
    private final int nodes;

    /** Asks an external Kafka how many brokers it has, which also fails fast when it cannot be reached. */
    private KafkaTarget(String bootstrapServers, Properties extra, EmbeddedKafka embedded, Duration timeout) {
        this.bootstrapServers = bootstrapServers;
        this.extra = extra;
        this.embedded = embedded;
        this.timeout = timeout;
        this.nodes = embedded != null ? embedded.size() : brokerCount();
    }

    /** Connects to the Kafka the options name, or starts an embedded one (three nodes with --cluster). */
    public static KafkaTarget open(KafkaEndpointOptions options, ServerOptions servers, PrintStream log) {
        options.validate();
        servers.validate();
        if (!options.embedded()) {
            return new KafkaTarget(options.bootstrapServers(), options.extraProperties(), null, servers.timeout());
        }
        int nodes = servers.cluster() ? 3 : 1;
        long start = System.nanoTime();
        EmbeddedKafka kafka = EmbeddedKafka.start(nodes, options.heap(), null, Duration.ofMinutes(3));
        log.printf("started an embedded Apache Kafka %s (KRaft, %d node%s) on %s in %d ms%n", kafka.version(), nodes,
                nodes == 1 ? "" : "s", kafka.bootstrapServers(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        return new KafkaTarget(kafka.bootstrapServers(), options.extraProperties(), kafka, servers.timeout());
    }

    /** A target for an embedded Kafka started elsewhere (tests, {@code servers.sh}); closing it does not stop it. */
    public static KafkaTarget of(String bootstrapServers, Duration timeout) {
        return new KafkaTarget(bootstrapServers, new Properties(), null, timeout);
    }

    private Properties common() {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.max(timeout.toMillis(), 5000));
        p.putAll(extra);
        return p;
    }

    /** A producer of byte arrays: acks=all, idempotent, 5 ms linger, 128 KiB batches; {@code overrides} win. */
    public KafkaProducer<byte[], byte[]> producer(Map<String, Object> overrides) {
        Properties p = new Properties();
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 128 * 1024);
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000);
        p.putAll(common());
        p.putAll(overrides);
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /**
     * A producer for the load runner's one dispatcher thread, which must never block in {@code send}: a Kafka send
     * blocks only to fetch a topic's metadata or to wait for room in its buffer ({@code max.block.ms}). So the buffer is
     * sized to hold everything the runner may have in flight ({@code inFlight} records of at most {@code maxRecordBytes},
     * twice over for batch overhead; the runner's semaphore bounds the records in flight), the metadata of
     * {@code topics} is fetched here, before the run, and {@code max.block.ms} is short, so that a send that would still
     * block fails at once and is counted as an error instead of stalling every other request.
     */
    public KafkaProducer<byte[], byte[]> dispatcherProducer(int inFlight, int maxRecordBytes, List<String> topics,
            Map<String, Object> overrides) {
        Map<String, Object> settings = new HashMap<>();
        settings.put(ProducerConfig.BUFFER_MEMORY_CONFIG, Math.max(32L << 20, 2L * inFlight * (maxRecordBytes + 64L)));
        settings.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 200);
        settings.putAll(overrides);
        KafkaProducer<byte[], byte[]> producer = producer(settings);
        try {
            for (String topic : topics) {
                warmMetadata(topic);
                awaitProducerMetadata(producer, topic);
            }
        } catch (RuntimeException e) {
            producer.close(Duration.ZERO);
            throw new IllegalStateException("cannot read the metadata of " + topics + " from Kafka at " + bootstrapServers
                    + ": " + e.getMessage(), e);
        }
        return producer;
    }

    /**
     * Fetches {@code topic}'s metadata into the producer, retrying for up to 30 s: with a short {@code max.block.ms}
     * one try may end before the broker asked knows a topic just created on another.
     */
    private static void awaitProducerMetadata(KafkaProducer<byte[], byte[]> producer, String topic) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                producer.partitionsFor(topic);
                return;
            } catch (org.apache.kafka.common.errors.TimeoutException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
            }
        }
    }

    /** Waits (up to 30 s) until {@code topic} has a leader for every partition, as a new topic may not at once. */
    private void warmMetadata(String topic) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        try (Admin admin = admin()) {
            while (true) {
                try {
                    var description = admin.describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS).get(topic);
                    if (description.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty())) {
                        return;
                    }
                } catch (ExecutionException e) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
                    }
                } catch (TimeoutException e) {
                    throw new IllegalStateException("no answer while describing " + topic);
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("topic " + topic + " has partitions without a leader");
                }
                Thread.sleep(100);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** A consumer of byte arrays in {@code groupId}: no auto-commit, reads from the earliest offset; {@code overrides} win. */
    public KafkaConsumer<byte[], byte[]> consumer(String groupId, Map<String, Object> overrides) {
        Properties p = new Properties();
        p.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.putAll(common());
        p.putAll(overrides);
        return new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /**
     * A share-group consumer (KIP-932) of byte arrays in {@code groupId}: explicit acknowledgement, at most
     * {@code max.poll.records} records per poll and no prefetch ({@code share.acquire.mode=record_limit});
     * {@code overrides} win.
     */
    public KafkaShareConsumer<byte[], byte[]> shareConsumer(String groupId, Map<String, Object> overrides) {
        Properties p = new Properties();
        p.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        p.put(ConsumerConfig.SHARE_ACKNOWLEDGEMENT_MODE_CONFIG, "explicit");
        p.put(ConsumerConfig.SHARE_ACQUIRE_MODE_CONFIG, "record_limit");
        p.putAll(common());
        p.putAll(overrides);
        return new KafkaShareConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /**
     * Sends {@code record} with {@code producer}; the stage completes in the send's callback, once the broker answered
     * (the reference read the result before the callback ran).
     */
    public static CompletableFuture<RecordMetadata> send(Producer<byte[], byte[]> producer, ProducerRecord<byte[], byte[]> record) {
        CompletableFuture<RecordMetadata> done = new CompletableFuture<>();
        producer.send(record, (metadata, error) -> {
            if (error != null) {
                done.completeExceptionally(error);
            } else {
                done.complete(metadata);
            }
        });
        return done;
    }

    /** An admin client; close it. */
    public Admin admin() {
        return Admin.create(common());
    }

    /** Creates {@code topic} with these partitions and replication factor unless it exists; waits for the answer. */
    public void createTopic(String topic, int partitions, short replicationFactor, Map<String, String> configs) {
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, replicationFactor).configs(configs)))
                    .all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create topic " + topic + ": " + e.getCause().getMessage(), e.getCause());
            }
        } catch (TimeoutException e) {
            throw new IllegalStateException("no answer from Kafka at " + bootstrapServers + " while creating topic " + topic);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** How many partitions {@code topic} has. */
    public int partitions(String topic) {
        try (Admin admin = admin()) {
            return admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic).partitions().size();
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot describe topic " + topic + ": " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("no answer from Kafka at " + bootstrapServers + " while describing topic " + topic);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private int brokerCount() {
        try (Admin admin = admin()) {
            return admin.describeCluster().nodes().get(Math.max(timeout.toMillis(), 5000), TimeUnit.MILLISECONDS).size();
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot reach Kafka at " + bootstrapServers + ": "
                    + (e.getCause() != null ? e.getCause().getMessage() : "no answer within " + timeout.toMillis() + " ms"), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public boolean cluster() {
        return nodes > 1;
    }

    /** The embedded Kafka, or null. */
    public EmbeddedKafka embedded() {
        return embedded;
    }

    /** What answered, for a result's {@code backends} entry. */
    @Override
    public BackendInfo describe() {
        return new BackendInfo("kafka", cluster() ? "cluster" : "standalone", "apache-kafka",
                embedded != null ? embedded.version() : "unknown", embedded != null, nodes, bootstrapServers, Map.of());
    }

    /** The resident memory of the embedded Kafka's JVMs; unknown for an external Kafka. */
    @Override
    public ServerMemory memory() {
        return embedded == null ? ServerMemory.NONE : ServerMemory.resident(embedded.rssBytes(), embedded.size());
    }

    @Override
    public void close() {
        if (embedded != null) {
            embedded.close();
        }
    }
}
