package dev.backendpatterns.common.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real Apache Kafka (KRaft) in forked JVMs: one node, a three-node cluster, and start-ups that must fail clearly. */
class EmbeddedKafkaIT {
    private static final Duration START = Duration.ofMinutes(3);

    @Test
    void aSingleNodeKeepsACommittedOffsetAndTheDispatcherProducerNeverBlocks() throws Exception {
        try (EmbeddedKafka server = EmbeddedKafka.start(1, "512m", null, START)) {
            KafkaTarget kafka = KafkaTarget.of(server.bootstrapServers(), Duration.ofSeconds(5));
            assertEquals("standalone", kafka.describe().mode());
            KafkaContract.committedOffsetIsKeptForTheGroup(kafka);
            KafkaContract.dispatcherProducerNeverBlocksItsThread(kafka);
        }
    }

    @Test
    void aReplicatedTopicStaysWritableAndLosesNothingWithOneNodeDown() throws Exception {
        try (EmbeddedKafka server = EmbeddedKafka.start(3, "512m", null, START)) {
            KafkaTarget kafka = KafkaTarget.of(server.bootstrapServers(), Duration.ofSeconds(5));
            assertEquals("cluster", kafka.describe().mode());
            assertEquals(3, kafka.describe().nodes());
            kafka.createTopic("bp-replicated", 3, (short) 3, Map.of());
            Set<String> acknowledged = new HashSet<>();
            assertEquals(2000, KafkaContract.produce(kafka, "bp-replicated", 0, 2000).size(), "acks=all with every replica up");
            for (int i = 0; i < 2000; i++) {
                acknowledged.add(Integer.toString(i));
            }

            server.stopNode(2);
            List<RecordMetadata> whileDown = KafkaContract.produce(kafka, "bp-replicated", 2000, 4000);
            assertEquals(2000, whileDown.size(), "acks=all writes succeed with 2 of 3 replicas (min.insync.replicas=2)");
            for (int i = 2000; i < 4000; i++) {
                acknowledged.add(Integer.toString(i));
            }

            try (KafkaConsumer<byte[], byte[]> reader = kafka.consumer("bp-check", Map.of())) {
                reader.subscribe(List.of("bp-replicated"));
                Set<String> read = new HashSet<>();
                KafkaContract.consume(reader, 4000).forEach(r -> read.add(new String(r.value(), StandardCharsets.UTF_8)));
                assertEquals(acknowledged, read, "every acknowledged record is read back");
            }
        }
    }

    @Test
    void aBadHeapSettingFailsFastWithTheServerLog() {
        long start = System.nanoTime();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> EmbeddedKafka.start(1, "1z", null, START));
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(60), "no hang");
        assertTrue(e.getMessage().contains("exited with code"), e.getMessage());
        assertTrue(e.getMessage().contains("Invalid") && e.getMessage().contains("heap size"), e.getMessage());
    }

    @Test
    void aTakenPortFailsWithTheServerLog(@TempDir Path dir) throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName(EmbeddedKafka.HOST))) {
            int controller = new ServerSocket(0).getLocalPort();
            Files.writeString(dir.resolve("layout.properties"), "cluster.id=q1Sh-9_ISia_zwGINzRvyQ\nnodes=1\nnode.1.port="
                    + taken.getLocalPort() + "\nnode.1.controller.port=" + controller + "\n");
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> EmbeddedKafka.start(1, "512m", dir, START));
            assertTrue(e.getMessage().contains("last lines of"), e.getMessage());
            assertTrue(e.getMessage().toLowerCase().contains("address already in use"), e.getMessage());
        }
    }
}
