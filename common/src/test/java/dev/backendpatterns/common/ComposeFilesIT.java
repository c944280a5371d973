package dev.backendpatterns.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The Docker Compose files parse, checked by docker-compose itself (it needs no engine for that) where installed. */
class ComposeFilesIT {

    @ParameterizedTest
    @ValueSource(strings = {"docker-compose.kafka.yml", "docker-compose.scylladb.yml"})
    void composeFileIsValid(String name) throws Exception {
        Path compose = onPath("docker-compose");
        assumeTrue(compose != null, "docker-compose is not installed here (apt-get install --no-install-recommends docker-compose)");
        Path file = Path.of("..", name).toAbsolutePath().normalize();
        Process p = new ProcessBuilder(compose.toString(), "-f", file.toString(), "config", "-q").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(60, TimeUnit.SECONDS);
        assertEquals(0, p.exitValue(), name + ": " + out);
    }

    private static Path onPath(String command) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(dir, command);
            if (!dir.isEmpty() && Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }
}
