package dev.backendpatterns.common.redis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A real Redis Cluster of {@code n} {@code redis-server} processes on loopback: with 6 or more nodes half
 * are masters and each has a replica (6 = 3 masters + 3 replicas), with fewer every node is a master. The 16384
 * slots are split evenly with CLUSTER ADDSLOTSRANGE, nodes join with CLUSTER MEET, replicas attach with
 * CLUSTER REPLICATE; ready when every node reports {@code cluster_state:ok}, knows every other node, and every
 * replica's link is up (and, with {@code appendonly yes}, its first AOF rewrite is done).
 */
public final class EmbeddedRedisCluster implements AutoCloseable {
    public static final int SLOTS = 16384;
    private static final long READY_TIMEOUT_MILLIS = 60_000;

    private final List<EmbeddedRedis> nodes;
    private final int masters;
    private final Path directory;

    private EmbeddedRedisCluster(List<EmbeddedRedis> nodes, int masters, Path directory) {
        this.nodes = List.copyOf(nodes);
        this.masters = masters;
        this.directory = directory;
    }

    public static EmbeddedRedisCluster start(RedisBinary binary, int instances) {
        return start(binary, instances, List.of());
    }

    /** A cluster whose nodes also get {@code extraArgs} (for example {@code --appendonly yes}). */
    public static EmbeddedRedisCluster start(RedisBinary binary, int instances, List<String> extraArgs) {
        if (instances < 3) {
            throw new IllegalArgumentException("a Redis Cluster needs at least 3 nodes, was " + instances);
        }
        int masters = instances >= 6 ? instances / 2 : instances;
        Path dir;
        try {
            dir = Files.createTempDirectory("bp-redis-cluster-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<EmbeddedRedis> nodes = new ArrayList<>();
        EmbeddedRedisCluster cluster = new EmbeddedRedisCluster(nodes, masters, dir);
        try {
            for (int i = 0; i < instances; i++) {
                Path nodeDir = Files.createDirectories(dir.resolve("node-" + i));
                List<String> args = new ArrayList<>(List.of(
                        "--cluster-enabled", "yes",
                        "--cluster-config-file", nodeDir.resolve("nodes.conf").toString(),
                        "--cluster-node-timeout", "2000",
                        "--repl-diskless-sync-delay", "0",
                        "--cluster-announce-ip", EmbeddedRedis.HOST));
                args.addAll(extraArgs);
                nodes.add(EmbeddedRedis.start(binary, EmbeddedRedis.freePort(), nodeDir, args, false));
            }
            cluster = new EmbeddedRedisCluster(nodes, masters, dir);
            cluster.assemble();
            return cluster;
        } catch (IOException | RuntimeException e) {
            cluster.close();
            if (e instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException("cannot assemble the embedded Redis Cluster: " + e.getMessage(), e);
        }
    }

    private void assemble() throws IOException {
        for (int m = 0; m < masters; m++) {
            int from = SLOTS * m / masters;
            int to = SLOTS * (m + 1) / masters - 1;
            call(m, "CLUSTER", "ADDSLOTSRANGE", String.valueOf(from), String.valueOf(to));
        }
        for (int i = 1; i < nodes.size(); i++) {
            call(i, "CLUSTER", "MEET", EmbeddedRedis.HOST, String.valueOf(nodes.get(0).port()));
        }
        long deadline = System.currentTimeMillis() + READY_TIMEOUT_MILLIS;
        for (int i = 0; i < nodes.size(); i++) {
            while (knownNodes(i) < nodes.size()) {
                checkDeadline(deadline, "node " + nodes.get(i).address() + " to see every other node");
                EmbeddedRedis.sleep(20);
            }
        }
        for (int r = masters; r < nodes.size(); r++) {
            String masterId = call((r - masters) % masters, "CLUSTER", "MYID");
            while (true) {
                try {
                    call(r, "CLUSTER", "REPLICATE", masterId);
                    break;
                } catch (RespClient.RedisError e) {
                    checkDeadline(deadline, "replica " + nodes.get(r).address() + " to accept its master (" + e.getMessage() + ")");
                    EmbeddedRedis.sleep(50);
                }
            }
        }
        for (int i = 0; i < nodes.size(); i++) {
            while (!ready(i)) {
                checkDeadline(deadline, "node " + nodes.get(i).address() + " to report cluster_state:ok");
                EmbeddedRedis.sleep(20);
            }
        }
    }

    private boolean ready(int node) throws IOException {
        if (!call(node, "CLUSTER", "INFO").contains("cluster_state:ok")) {
            return false;
        }
        String view = call(node, "CLUSTER", "NODES");
        long replicasSeen = view.lines().filter(l -> l.contains("slave")).count();
        if (knownNodes(node) < nodes.size() || replicasSeen != nodes.size() - masters) {
            return false;
        }
        if (node >= masters && !call(node, "INFO", "replication").contains("master_link_status:up")) {
            return false;
        }
        // with appendonly yes a replica rewrites its AOF after the first sync, and reports no fsynced offset until the
        // rewrite is done: a WAITAOF for it would block its connection for seconds
        String persistence = call(node, "INFO", "persistence");
        return !persistence.contains("aof_enabled:1")
                || persistence.contains("aof_rewrite_in_progress:0") && persistence.contains("aof_rewrite_scheduled:0");
    }

    private long knownNodes(int node) throws IOException {
        return call(node, "CLUSTER", "NODES").lines().filter(l -> !l.isBlank()).count();
    }

    private String call(int node, String... args) throws IOException {
        try (RespClient client = new RespClient(EmbeddedRedis.HOST, nodes.get(node).port(), 5000)) {
            return client.callString(args);
        }
    }

    private void checkDeadline(long deadline, String waitingFor) {
        if (System.currentTimeMillis() > deadline) {
            StringBuilder logs = new StringBuilder();
            for (EmbeddedRedis node : nodes) {
                logs.append(node.address()).append(":\n").append(node.logTail(5));
            }
            throw new IllegalStateException("embedded Redis Cluster not ready after " + READY_TIMEOUT_MILLIS
                    + " ms: waiting for " + waitingFor + "; last lines of the node logs:\n" + logs);
        }
    }

    public List<EmbeddedRedis> nodes() {
        return nodes;
    }

    public int masters() {
        return masters;
    }

    /** {@code host:port} of every node, comma-separated, as {@code --redis-cluster} takes it. */
    public String seeds() {
        return String.join(",", nodes.stream().map(EmbeddedRedis::address).toList());
    }

    public RedisBinary binary() {
        return nodes.get(0).binary();
    }

    @Override
    public void close() {
        for (EmbeddedRedis node : nodes) {
            node.close();
        }
        EmbeddedRedis.deleteRecursively(directory);
    }
}
