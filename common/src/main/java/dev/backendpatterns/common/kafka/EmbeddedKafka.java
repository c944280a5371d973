package dev.backendpatterns.common.kafka;

import dev.backendpatterns.common.server.ForkedJvm;
import dev.backendpatterns.common.server.LoopbackPort;
import dev.backendpatterns.common.server.ServerClasspath;
import dev.backendpatterns.common.server.ServerDirectory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.QuorumInfo;
import org.apache.kafka.common.Uuid;

/**
 * Apache Kafka in KRaft mode as forked JVMs on loopback: one combined broker and controller, or for a cluster three
 * combined nodes (replication factor 3 and min.insync.replicas 2 by default, internal topics alike). Each node's
 * storage is formatted with one cluster id, then the nodes start; ready when every node logged
 * "Kafka Server started", the metadata quorum has a leader and every broker is registered. The data directory is
 * temporary (removed on close) unless one is given, in which case it is kept, formatted once, and the nodes keep
 * their ports across restarts.
 */
public final class EmbeddedKafka implements AutoCloseable {
    public static final String HOST = "127.0.0.1";
    private static final String STARTED = "Kafka Server started";

    private final ServerDirectory directory;
    private final List<Path> classpath;
    private final List<Node> nodes;
    private final String heap;
    private final String version;

    /** One node: its id, ports, directory and process. */
    private static final class Node {
        final int id;
        final int port;
        final int controllerPort;
        final Path dir;
        ForkedJvm jvm;

        Node(int id, int port, int controllerPort, Path dir) {
            this.id = id;
            this.port = port;
            this.controllerPort = controllerPort;
            this.dir = dir;
        }
    }

    private EmbeddedKafka(ServerDirectory directory, List<Path> classpath, List<Node> nodes, String heap) {
        this.directory = directory;
        this.classpath = classpath;
        this.nodes = nodes;
        this.heap = heap;
        this.version = ServerClasspath.version(classpath, "kafka_2.13");
    }

    /**
     * Starts {@code nodeCount} nodes (1, or 3 for a cluster) with {@code heap} each (a -Xmx value such as 512m), in
     * {@code dataDir} (kept) or a temporary directory (null).
     */
    public static EmbeddedKafka start(int nodeCount, String heap, Path dataDir, Duration timeout) {
        if (nodeCount < 1) {
            throw new IllegalArgumentException("a Kafka cluster needs at least one node");
        }
        List<Path> classpath = ServerClasspath.of("kafka");
        ServerDirectory directory = ServerDirectory.of(dataDir, "bp-kafka-");
        EmbeddedKafka kafka = null;
        try {
            Properties layout = layout(directory, nodeCount);
            List<Node> nodes = new ArrayList<>();
            for (int i = 1; i <= nodeCount; i++) {
                nodes.add(new Node(i, Integer.parseInt(layout.getProperty("node." + i + ".port")),
                        Integer.parseInt(layout.getProperty("node." + i + ".controller.port")), directory.resolve("node-" + i)));
            }
            kafka = new EmbeddedKafka(directory, classpath, nodes, heap);
            kafka.writeConfiguration(layout.getProperty("cluster.id"));
            kafka.formatStorage(layout.getProperty("cluster.id"), timeout);
            for (Node node : nodes) {
                kafka.launch(node);
            }
            for (Node node : nodes) {
                node.jvm.awaitLogLine(STARTED, timeout);
            }
            kafka.awaitQuorum(timeout);
            return kafka;
        } catch (RuntimeException e) {
            if (kafka != null) {
                kafka.close();
            } else {
                directory.close();
            }
            throw e;
        }
    }

    /** The cluster id and ports: chosen now for a new directory, read back for a kept one. */
    private static Properties layout(ServerDirectory directory, int nodeCount) {
        Path file = directory.resolve("layout.properties");
        Properties layout = new Properties();
        try {
            if (Files.exists(file)) {
                try (var in = Files.newBufferedReader(file)) {
                    layout.load(in);
                }
                if (Integer.parseInt(layout.getProperty("nodes")) != nodeCount) {
                    throw new IllegalStateException(directory.path() + " holds a Kafka of " + layout.getProperty("nodes")
                            + " node(s), not " + nodeCount);
                }
                return layout;
            }
            layout.setProperty("cluster.id", newClusterId());
            layout.setProperty("nodes", Integer.toString(nodeCount));
            for (int i = 1; i <= nodeCount; i++) {
                layout.setProperty("node." + i + ".port", Integer.toString(LoopbackPort.free(HOST)));
                layout.setProperty("node." + i + ".controller.port", Integer.toString(LoopbackPort.free(HOST)));
            }
            try (Writer out = Files.newBufferedWriter(file)) {
                layout.store(out, "embedded Kafka layout");
            }
            return layout;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A random Kafka cluster id: Kafka's own {@link Uuid}, which never starts with '-' (the storage tool would read an option). */
    static String newClusterId() {
        return Uuid.randomUuid().toString();
    }

    private void writeConfiguration(String clusterId) {
        String voters = nodes.stream().map(n -> n.id + "@" + HOST + ":" + n.controllerPort).collect(Collectors.joining(","));
        int replication = Math.min(3, nodes.size());
        int minIsr = replication >= 3 ? 2 : 1;
        try {
            Files.writeString(directory.resolve("log4j2.properties"), String.join("\n",
                    "status = warn",
                    "appender.out.type = Console",
                    "appender.out.name = out",
                    "appender.out.layout.type = PatternLayout",
                    "appender.out.layout.pattern = [%d] %p %m (%c)%n",
                    "rootLogger.level = info",
                    "rootLogger.appenderRef.out.ref = out",
                    "logger.kafka.name = kafka", "logger.kafka.level = info",
                    "logger.state.name = state.change.logger", "logger.state.level = warn",
                    "logger.clients.name = org.apache.kafka", "logger.clients.level = warn", ""));
            for (Node node : nodes) {
                Files.createDirectories(node.dir);
                Map<String, String> p = new LinkedHashMap<>();
                p.put("process.roles", "broker,controller");
                p.put("node.id", Integer.toString(node.id));
                p.put("controller.quorum.voters", voters);
                p.put("listeners", "PLAINTEXT://" + HOST + ":" + node.port + ",CONTROLLER://" + HOST + ":" + node.controllerPort);
                p.put("advertised.listeners", "PLAINTEXT://" + HOST + ":" + node.port);
                p.put("controller.listener.names", "CONTROLLER");
                p.put("inter.broker.listener.name", "PLAINTEXT");
                p.put("listener.security.protocol.map", "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT");
                p.put("log.dirs", node.dir.resolve("data").toString());
                p.put("num.partitions", "1");
                p.put("auto.create.topics.enable", "false");
                p.put("default.replication.factor", Integer.toString(replication));
                p.put("min.insync.replicas", Integer.toString(minIsr));
                p.put("offsets.topic.replication.factor", Integer.toString(replication));
                p.put("offsets.topic.num.partitions", "4");
                p.put("transaction.state.log.replication.factor", Integer.toString(replication));
                p.put("transaction.state.log.min.isr", Integer.toString(minIsr));
                p.put("share.coordinator.state.topic.replication.factor", Integer.toString(replication));
                p.put("share.coordinator.state.topic.min.isr", Integer.toString(minIsr));
                p.put("group.initial.rebalance.delay.ms", "0");
                // share groups (Kafka 4.2+): locks as short as 1 s may be asked per group, and a record may be released
                // up to 10 times (the most allowed) before the broker archives it
                p.put("group.share.min.record.lock.duration.ms", "1000");
                p.put("group.share.delivery.count.limit", "10");
                p.put("log.segment.bytes", Integer.toString(64 * 1024 * 1024));
                StringBuilder text = new StringBuilder("# embedded Kafka node " + node.id + " of cluster " + clusterId + "\n");
                p.forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
                Files.writeString(node.dir.resolve("server.properties"), text.toString(), StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private List<String> jvmArgs(String maxHeap) {
        return List.of("-Xms" + maxHeap, "-Xmx" + maxHeap, "-XX:+UseG1GC", "-Djava.awt.headless=true",
                "-Dlog4j2.configurationFile=" + directory.resolve("log4j2.properties").toUri());
    }

    private void formatStorage(String clusterId, Duration timeout) {
        for (Node node : nodes) {
            if (Files.exists(node.dir.resolve("data").resolve("meta.properties"))) {
                continue; // formatted by an earlier run: restart on the existing data
            }
            ForkedJvm format = ForkedJvm.start("Kafka storage format of node " + node.id, jvmArgs("256m"), classpath,
                    "kafka.tools.StorageTool", List.of("format", "-t", clusterId, "-c", node.dir.resolve("server.properties").toString()),
                    node.dir, node.dir.resolve("format.log"));
            int exit = format.awaitExit(timeout);
            if (exit != 0) {
                throw format.failure("exited with code " + exit);
            }
        }
    }

    private void launch(Node node) {
        node.jvm = ForkedJvm.start("embedded Kafka node " + node.id + " (" + HOST + ":" + node.port + ")", jvmArgs(heap), classpath,
                "kafka.Kafka", List.of(node.dir.resolve("server.properties").toString()), node.dir, node.dir.resolve("server.log"));
    }

    private void awaitQuorum(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Properties config = new Properties();
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10000);
        String last = "no answer";
        try (Admin admin = Admin.create(config)) {
            while (System.nanoTime() < deadline) {
                try {
                    QuorumInfo quorum = admin.describeMetadataQuorum().quorumInfo().get(10, TimeUnit.SECONDS);
                    int brokers = admin.describeCluster().nodes().get(10, TimeUnit.SECONDS).size();
                    if (quorum.leaderId() >= 0 && brokers == nodes.size()) {
                        return;
                    }
                    last = "quorum leader " + quorum.leaderId() + ", " + brokers + " of " + nodes.size() + " brokers registered";
                } catch (Exception e) {
                    last = e.getMessage();
                }
                Thread.sleep(200);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        throw nodes.get(0).jvm.failure("cluster not ready after " + timeout.toSeconds() + " s: " + last);
    }

    /** {@code host:port} of every node, comma-separated, as {@code --kafka} takes it. */
    public String bootstrapServers() {
        return nodes.stream().map(n -> HOST + ":" + n.port).collect(Collectors.joining(","));
    }

    public int size() {
        return nodes.size();
    }

    public String version() {
        return version;
    }

    /** Resident memory of every node's JVM, summed. */
    public long rssBytes() {
        return nodes.stream().filter(n -> n.jvm != null && n.jvm.isAlive()).mapToLong(n -> n.jvm.rssBytes()).sum();
    }

    /** Stops node {@code index} (0-based) cleanly, as a planned outage; the others go on. */
    public void stopNode(int index) {
        nodes.get(index).jvm.close();
    }

    /** Kills node {@code index} (0-based) at once (SIGKILL), as a crash would: for fault tests. */
    public void killNode(int index) {
        nodes.get(index).jvm.kill();
    }

    @Override
    public void close() {
        for (Node node : nodes) {
            if (node.jvm != null) {
                node.jvm.close();
            }
        }
        directory.close();
    }
}
