package dev.backendpatterns.common.containers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.backendpatterns.common.cli.RedisEndpointOptions;
import dev.backendpatterns.common.cli.ServerOptions;
import dev.backendpatterns.common.cql.CqlEndpointOptions;
import dev.backendpatterns.common.cql.CqlTarget;
import dev.backendpatterns.common.kafka.KafkaContract;
import dev.backendpatterns.common.kafka.KafkaTarget;
import dev.backendpatterns.common.redis.RedisConnection;
import dev.backendpatterns.common.redis.RedisTarget;
import dev.backendpatterns.common.report.BackendInfo;
import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The single-server integration checks against containers instead of embedded servers: Valkey, Apache Kafka and
 * ScyllaDB (the server the reference ran). Only in {@code ./mvnw verify -Pcontainers}; where no Docker engine runs,
 * every test here is reported skipped, with the reason, never passed.
 */
class ContainersIT {
    private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

    @BeforeEach
    void dockerIsThere() {
        boolean docker;
        try {
            docker = DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException e) {
            docker = false;
        }
        assumeTrue(docker, "no Docker engine on this machine: the container tests are skipped (the embedded-server tests ran instead)");
    }

    @Test
    void valkeyRunsScripts() {
        try (GenericContainer<?> valkey = new GenericContainer<>(DockerImageName.parse("valkey/valkey:8")).withExposedPorts(6379)) {
            valkey.start();
            String uri = "redis://" + valkey.getHost() + ":" + valkey.getMappedPort(6379);
            try (RedisTarget target = RedisTarget.open(RedisEndpointOptions.external(uri), ServerOptions.single(), QUIET)) {
                RedisConnection c = target.connect();
                assertEquals("valkey", target.describe().server());
                assertEquals("PONG", new String(c.async().ping().toCompletableFuture().join()));
            }
        }
    }

    @Test
    void kafkaKeepsACommittedOffset() throws Exception {
        try (KafkaContainer kafka = new KafkaContainer(DockerImageName.parse("apache/kafka:4.2.1"))) {
            kafka.start();
            KafkaContract.committedOffsetIsKeptForTheGroup(KafkaTarget.of(kafka.getBootstrapServers(), Duration.ofSeconds(10)));
        }
    }

    @Test
    void scyllaTakesTheSuitesKeyspaceAndSaysItIsScylla() {
        try (GenericContainer<?> scylla = new GenericContainer<>(DockerImageName.parse("scylladb/scylla:6.2"))
                .withCommand("--smp", "1", "--memory", "750M", "--overprovisioned", "1")
                .withExposedPorts(9042).waitingFor(Wait.forLogMessage(".*Starting listening for CQL clients.*", 1))
                .withStartupTimeout(Duration.ofMinutes(3))) {
            scylla.start();
            String point = scylla.getHost() + ":" + scylla.getMappedPort(9042);
            try (CqlTarget cql = CqlTarget.open(CqlEndpointOptions.external(point), ServerOptions.single(), 0, QUIET)) {
                BackendInfo backend = cql.describe();
                assertEquals(true, backend.details().get("scylladb"), backend.toString());
                cql.execute("CREATE TABLE IF NOT EXISTS example.timestamps (ts_hash text, ts text, PRIMARY KEY (ts_hash, ts))");
                cql.session().execute("INSERT INTO example.timestamps (ts_hash, ts) VALUES ('h', '1')");
                assertEquals("1", cql.session().execute("SELECT ts FROM example.timestamps WHERE ts_hash = 'h'").one().getString(0));
            }
        }
    }
}
