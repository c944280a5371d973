package dev.backendpatterns.common.server;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backendpatterns.common.testing.Processes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A JVM that started embedded servers dies with SIGKILL, so no shutdown hook runs: its servers (a redis-server, the
 * forked Kafka and Cassandra JVMs) must end anyway, not run on and skew every later benchmark on the machine.
 */
class OrphanServersIT {

    @ParameterizedTest
    @ValueSource(strings = {"redis", "kafka", "cassandra"})
    void serversEndWhenTheJvmThatStartedThemIsKilled(String kind, @TempDir Path dir) throws Exception {
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), "dev.backendpatterns.common.ServersCommand", "run", kind,
                "--state-dir", dir.toString());
        Process parent = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve("out.log").toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (!Files.exists(dir.resolve("endpoints"))) {
                assertTrue(parent.isAlive(), "the servers did not start: " + Files.readString(dir.resolve("out.log")));
                assertTrue(System.nanoTime() < deadline, "not ready in time");
                Thread.sleep(100);
            }
            List<ProcessHandle> servers = parent.descendants().filter(h -> h.info().command()
                    .map(c -> c.contains("redis-server") || c.contains("valkey-server") || c.endsWith("/java")).orElse(false)).toList();
            assertFalse(servers.isEmpty(), "the server runs under the JVM that started it");
            parent.destroyForcibly(); // SIGKILL: no shutdown hook runs
            assertTrue(parent.waitFor(10, TimeUnit.SECONDS));
            for (ProcessHandle server : servers) {
                Processes.awaitGone(server.pid(), 30);
            }
        } finally {
            parent.destroyForcibly();
        }
    }
}
