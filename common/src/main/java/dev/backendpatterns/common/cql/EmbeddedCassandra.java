package dev.backendpatterns.common.cql;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.metadata.Node;
import com.datastax.oss.driver.api.core.metadata.NodeState;
import dev.backendpatterns.common.server.ForkedJvm;
import dev.backendpatterns.common.server.LoopbackPort;
import dev.backendpatterns.common.server.ServerClasspath;
import dev.backendpatterns.common.server.ServerDirectory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Apache Cassandra 5.0 as forked JVMs on JDK 17, tuned for a small machine (ring delay 1 s, small memtables and
 * caches, one compactor, heap 1 GB by default): one node on 127.0.0.1, or two on 127.0.0.1 and 127.0.0.2 (Linux
 * routes all of 127/8 to loopback; macOS needs {@code sudo ifconfig lo0 alias 127.0.0.2}). Both use the same
 * native (CQL) port, so a cluster is reached as {@code 127.0.0.1:P,127.0.0.2:P}. The second node starts after the
 * first is ready (nodes must join one at a time). Data is temporary unless a directory is given.
 */
public final class EmbeddedCassandra implements AutoCloseable {
    public static final String DATACENTER = "datacenter1";
    private static final String READY = "Starting listening for CQL clients";

    private final ServerDirectory directory;
    private final List<Path> classpath;
    private final List<String> addresses;
    private final int nativePort;
    private final int storagePort;
    private final String heap;
    private final List<ForkedJvm> jvms = new ArrayList<>();
    private final String version;

    private EmbeddedCassandra(ServerDirectory directory, List<Path> classpath, List<String> addresses, int nativePort,
            int storagePort, String heap) {
        this.directory = directory;
        this.classpath = classpath;
        this.addresses = addresses;
        this.nativePort = nativePort;
        this.storagePort = storagePort;
        this.heap = heap;
        this.version = ServerClasspath.version(classpath, "cassandra-all");
    }

    /** Starts {@code nodes} nodes (1 or 2) with {@code heap} each (-Xmx, e.g. 1g) in {@code dataDir} or a temporary one. */
    public static EmbeddedCassandra start(int nodes, String heap, Path dataDir, Duration timeout) {
        if (nodes < 1 || nodes > 2) {
            throw new IllegalArgumentException("the embedded Cassandra has 1 or 2 nodes, not " + nodes);
        }
        List<Path> classpath = ServerClasspath.of("cassandra");
        ServerDirectory directory = ServerDirectory.of(dataDir, "bp-cassandra-");
        List<String> addresses = new ArrayList<>();
        for (int i = 1; i <= nodes; i++) {
            addresses.add("127.0.0." + i);
        }
        int[] ports = ports(directory);
        EmbeddedCassandra cassandra = new EmbeddedCassandra(directory, classpath, addresses, ports[0], ports[1], heap);
        try {
            for (int i = 0; i < nodes; i++) {
                cassandra.launch(i, timeout);
            }
            if (nodes > 1) {
                cassandra.awaitRing(timeout);
            }
            return cassandra;
        } catch (RuntimeException e) {
            cassandra.close();
            throw e;
        }
    }

    /** Native and storage ports: new for a new directory, the same again for a kept one. */
    private static int[] ports(ServerDirectory directory) {
        Path file = directory.resolve("ports");
        try {
            if (Files.exists(file)) {
                String[] saved = Files.readString(file).trim().split(" ");
                return new int[] {Integer.parseInt(saved[0]), Integer.parseInt(saved[1])};
            }
            int[] ports = {LoopbackPort.free("127.0.0.1"), LoopbackPort.free("127.0.0.1")};
            Files.writeString(file, ports[0] + " " + ports[1] + "\n");
            return ports;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void launch(int index, Duration timeout) {
        String address = addresses.get(index);
        Path nodeDir = directory.resolve("node-" + (index + 1));
        try {
            Files.createDirectories(nodeDir);
            Files.writeString(nodeDir.resolve("cassandra.yaml"), yaml(address, nodeDir));
            Files.writeString(nodeDir.resolve("logback.xml"), """
                    <configuration>
                      <appender name="OUT" class="ch.qos.logback.core.ConsoleAppender">
                        <encoder><pattern>%d %-5level [%thread] %logger{20} %msg%n</pattern></encoder>
                      </appender>
                      <root level="INFO"><appender-ref ref="OUT"/></root>
                    </configuration>
                    """);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Path jamm = classpath.stream().filter(p -> p.getFileName().toString().startsWith("jamm-")).findFirst()
                .orElseThrow(() -> new IllegalStateException("jamm is missing from the Cassandra classpath"));
        List<String> jvmArgs = new ArrayList<>(List.of("-Xms" + heap, "-Xmx" + heap, "-XX:+UseG1GC", "-Xss512k",
                "-javaagent:" + jamm, "-Djdk.attach.allowAttachSelf=true", "-Djava.net.preferIPv4Stack=true",
                "-Dcassandra.config=" + nodeDir.resolve("cassandra.yaml").toUri(),
                "-Dcassandra.storagedir=" + nodeDir, "-Dcassandra.logdir=" + nodeDir.resolve("logs"),
                "-Dlogback.configurationFile=" + nodeDir.resolve("logback.xml"),
                "-Dcassandra-foreground=yes", "-Dcassandra.jmx.local.port=" + LoopbackPort.free("127.0.0.1"),
                "-Dcassandra.skip_wait_for_gossip_to_settle=0", "-Dcassandra.ring_delay_ms=1000"));
        for (String export : List.of("java.base/jdk.internal.misc", "java.management.rmi/com.sun.jmx.remote.internal.rmi",
                "java.rmi/sun.rmi.registry", "java.rmi/sun.rmi.server", "java.sql/java.sql", "java.base/java.lang.ref",
                "jdk.unsupported/sun.misc", "jdk.compiler/com.sun.tools.javac.file", "jdk.attach/sun.tools.attach")) {
            jvmArgs.add("--add-exports=" + export + "=ALL-UNNAMED");
        }
        for (String open : List.of("java.base/java.lang.module", "java.base/jdk.internal.loader", "java.base/jdk.internal.ref",
                "java.base/jdk.internal.reflect", "java.base/jdk.internal.math", "java.base/jdk.internal.module",
                "java.base/jdk.internal.util.jar", "jdk.management/com.sun.management.internal", "java.base/sun.nio.ch",
                "java.base/java.io", "java.base/java.lang.reflect", "jdk.compiler/com.sun.tools.javac", "java.base/java.lang",
                "java.base/java.util")) {
            jvmArgs.add("--add-opens=" + open + "=ALL-UNNAMED");
        }
        ForkedJvm jvm = ForkedJvm.start("embedded Cassandra node " + address + ":" + nativePort, jvmArgs, classpath,
                "org.apache.cassandra.service.CassandraDaemon", List.of(), nodeDir, nodeDir.resolve("server.log"));
        jvms.add(jvm);
        jvm.awaitLogLine(READY, timeout);
    }

    /**
     * Waits until every node lists every other in {@code system.peers} and a client sees them all up. A node logs
     * that it listens for CQL clients once it has joined, but the others learn of it by gossip a little later; a
     * client connecting in between sees one node fewer, and a keyspace created then gets a replication factor too
     * small (the flaky start this wait removes). A fresh session each attempt, since a driver's node list is only
     * read whole when it connects.
     */
    private void awaitRing(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no attempt";
        while (true) {
            try (CqlSession session = CqlSession.builder().withLocalDatacenter(DATACENTER)
                    .addContactPoints(addresses.stream().map(a -> new InetSocketAddress(a, nativePort)).toList()).build()) {
                Collection<Node> known = session.getMetadata().getNodes().values();
                long up = known.stream().filter(n -> n.getState() == NodeState.UP).count();
                int peersEverywhere = Integer.MAX_VALUE;
                for (Node node : known) {
                    int peers = session.execute(SimpleStatement.newInstance("SELECT peer FROM system.peers").setNode(node)).all().size();
                    peersEverywhere = Math.min(peersEverywhere, peers);
                }
                if (up == size() && peersEverywhere == size() - 1) {
                    return;
                }
                last = up + " of " + size() + " nodes up, at least " + peersEverywhere + " peers each";
            } catch (RuntimeException e) {
                last = e.getMessage();
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the embedded Cassandra nodes never saw each other within " + timeout.toSeconds()
                        + " s (" + last + ")");
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the Cassandra ring", e);
            }
        }
    }

    private String yaml(String address, Path nodeDir) {
        return String.join("\n",
                "cluster_name: backend-patterns",
                "num_tokens: 16",
                "allocate_tokens_for_local_replication_factor: 1",
                "partitioner: org.apache.cassandra.dht.Murmur3Partitioner",
                "authenticator: AllowAllAuthenticator",
                "authorizer: AllowAllAuthorizer",
                "data_file_directories: [" + nodeDir.resolve("data") + "]",
                "commitlog_directory: " + nodeDir.resolve("commitlog"),
                "saved_caches_directory: " + nodeDir.resolve("saved_caches"),
                "hints_directory: " + nodeDir.resolve("hints"),
                "cdc_raw_directory: " + nodeDir.resolve("cdc_raw"),
                "commitlog_sync: periodic",
                "commitlog_sync_period: 10000ms",
                "commitlog_segment_size: 8MiB",
                "seed_provider:",
                "  - class_name: org.apache.cassandra.locator.SimpleSeedProvider",
                "    parameters:",
                "      - seeds: \"127.0.0.1:" + storagePort + "\"",
                "listen_address: " + address,
                "rpc_address: " + address,
                "storage_port: " + storagePort,
                "native_transport_port: " + nativePort,
                "start_native_transport: true",
                "endpoint_snitch: SimpleSnitch",
                "memtable_heap_space: 64MiB",
                "memtable_offheap_space: 64MiB",
                "concurrent_reads: 8",
                "concurrent_writes: 8",
                "concurrent_counter_writes: 8",
                "concurrent_compactors: 1",
                "key_cache_size: 16MiB",
                "auto_snapshot: false",
                "storage_compatibility_mode: NONE",
                "");
    }

    /** {@code address:port} of every node, comma-separated, as {@code --cql} takes it. */
    public String contactPoints() {
        return addresses.stream().map(a -> a + ":" + nativePort).collect(Collectors.joining(","));
    }

    public int size() {
        return addresses.size();
    }

    public String version() {
        return version;
    }

    /** Resident memory of every node's JVM, summed. */
    public long rssBytes() {
        return jvms.stream().filter(ForkedJvm::isAlive).mapToLong(ForkedJvm::rssBytes).sum();
    }

    /** Stops node {@code index} (0-based) cleanly; the other goes on. */
    public void stopNode(int index) {
        jvms.get(index).close();
    }

    @Override
    public void close() {
        for (int i = jvms.size() - 1; i >= 0; i--) {
            jvms.get(i).close();
        }
        directory.close();
    }
}
