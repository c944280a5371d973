package dev.backendpatterns.common;

import dev.backendpatterns.common.cli.CommandRunner;
import dev.backendpatterns.common.cli.UsageException;
import dev.backendpatterns.common.cql.EmbeddedCassandra;
import dev.backendpatterns.common.kafka.EmbeddedKafka;
import dev.backendpatterns.common.redis.EmbeddedRedis;
import dev.backendpatterns.common.redis.EmbeddedRedisCluster;
import dev.backendpatterns.common.redis.RedisBinary;
import dev.backendpatterns.common.server.ProcessMemory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.function.LongSupplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.TypeConversionException;

/**
 * Runs embedded servers in the foreground until stopped (SIGTERM or Ctrl-C), for {@code scripts/servers.sh}: their
 * data is kept in {@code --state-dir} between runs, and once they are ready their endpoints are written to
 * {@code <state-dir>/endpoints} in exactly the form the pattern commands take ({@code --redis=...},
 * {@code --kafka=...}), with the time to ready and the memory of the servers in {@code <state-dir>/ready}.
 */
@Command(name = "servers", mixinStandardHelpOptions = true,
        description = "Runs embedded servers until stopped: redis, redis-durable, redis-cluster, kafka, kafka-cluster, cassandra, cassandra-cluster.")
public final class ServersCommand implements Callable<Integer> {
    /**
     * Long-lived benchmark servers: a pub/sub subscriber that falls behind a burst is held up to 1 GB (Redis cuts it at
     * 32 MB by default, and everything it had not read yet is lost). A cluster node is failed over after 5 s without
     * an answer instead of 2 s, so that a node starved of CPU on a saturated machine is not failed over mid-run.
     */
    private static final List<String> BENCHMARK_REDIS_ARGS = List.of("--client-output-buffer-limit", "pubsub 1gb 512mb 60");

    /** The kinds of server this command runs. */
    enum Kind { REDIS, REDIS_DURABLE, REDIS_CLUSTER, KAFKA, KAFKA_CLUSTER, CASSANDRA, CASSANDRA_CLUSTER }

    @Parameters(index = "0", description = "run", paramLabel = "ACTION")
    String action;

    @Parameters(index = "1", paramLabel = "KIND", converter = KindConverter.class,
            description = "redis, redis-durable (append-only file, fsync always), redis-cluster, kafka, kafka-cluster, cassandra, cassandra-cluster")
    Kind kind;

    @Option(names = "--state-dir", required = true, paramLabel = "DIR", description = "Where the servers keep their data and endpoints.")
    Path stateDir;

    @Option(names = "--instances", defaultValue = "6", paramLabel = "N", description = "Nodes of a Redis Cluster (default: ${DEFAULT-VALUE}).")
    int instances;

    @Option(names = "--heap", paramLabel = "SIZE", description = "Heap of each Kafka (default 512m) or Cassandra (default 1g) node.")
    String heap;

    public static void main(String[] args) {
        System.exit(CommandRunner.run(new ServersCommand(), args));
    }

    @Override
    public Integer call() throws Exception {
        if (!"run".equals(action)) {
            throw new UsageException("unknown action '" + action + "'; this command only runs servers (scripts/servers.sh starts, checks and stops them)");
        }
        Files.createDirectories(stateDir);
        Path endpoints = stateDir.resolve("endpoints");
        Files.deleteIfExists(endpoints);
        Duration timeout = Duration.ofMinutes(5);
        long start = System.nanoTime();
        AutoCloseable servers;
        String flags;
        LongSupplier rss;
        switch (kind) {
            case REDIS, REDIS_DURABLE -> {
                List<String> args = new ArrayList<>(BENCHMARK_REDIS_ARGS);
                if (kind == Kind.REDIS_DURABLE) {
                    args.addAll(List.of("--appendonly", "yes", "--appendfsync", "always"));
                }
                EmbeddedRedis redis = EmbeddedRedis.start(RedisBinary.locate(), args);
                servers = redis;
                flags = "--redis=" + redis.uri();
                rss = () -> ProcessMemory.rssBytes(redis.pid());
            }
            case REDIS_CLUSTER -> {
                List<String> args = new ArrayList<>(BENCHMARK_REDIS_ARGS);
                args.addAll(List.of("--cluster-node-timeout", "5000"));
                EmbeddedRedisCluster cluster = EmbeddedRedisCluster.start(RedisBinary.locate(), instances, args);
                servers = cluster;
                flags = "--redis-cluster=" + cluster.seeds();
                rss = () -> cluster.nodes().stream().mapToLong(n -> ProcessMemory.rssBytes(n.pid())).sum();
            }
            case KAFKA, KAFKA_CLUSTER -> {
                EmbeddedKafka kafka = EmbeddedKafka.start(kind == Kind.KAFKA ? 1 : 3, heap == null ? "512m" : heap,
                        stateDir.resolve("data"), timeout);
                servers = kafka;
                flags = "--kafka=" + kafka.bootstrapServers();
                rss = kafka::rssBytes;
            }
            default -> {
                EmbeddedCassandra cassandra = EmbeddedCassandra.start(kind == Kind.CASSANDRA ? 1 : 2, heap == null ? "1g" : heap,
                        stateDir.resolve("data"), timeout);
                servers = cassandra;
                flags = "--cql=" + cassandra.contactPoints() + " --cql-dc=" + EmbeddedCassandra.DATACENTER;
                rss = cassandra::rssBytes;
            }
        }
        long readyMillis = (System.nanoTime() - start) / 1_000_000;
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                servers.close();
            } catch (Exception e) {
                System.err.println("servers: error while stopping: " + e.getMessage());
            }
            stopped.countDown();
        }, "servers-stop"));
        write(stateDir.resolve("ready"), String.format(Locale.ROOT, "ready_ms=%d%nrss_bytes=%d%n", readyMillis, rss.getAsLong()));
        write(endpoints, flags + "\n");
        System.out.println(flags);
        System.out.printf(Locale.ROOT, "%s ready in %.1f s, %.0f MiB resident%n", kind.name().toLowerCase(Locale.ROOT).replace('_', '-'),
                readyMillis / 1000.0, rss.getAsLong() / (1024.0 * 1024));
        stopped.await();
        return 0;
    }

    private static void write(Path file, String text) {
        try {
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, text);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Parses {@code kafka-cluster} and friends. */
    static final class KindConverter implements ITypeConverter<Kind> {
        @Override
        public Kind convert(String value) {
            try {
                return Kind.valueOf(value.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException("unknown kind '" + value
                        + "'; expected redis, redis-durable, redis-cluster, kafka, kafka-cluster, cassandra or cassandra-cluster");
            }
        }
    }
}
