package dev.backendpatterns.common.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** A module's runnable jar run as a user runs it, in a JVM of its own: its exit code, stdout and stderr. */
public record JarRun(int exit, String out, String err) {

    /** The lines of stderr, without the JVM's own "Picked up JAVA_TOOL_OPTIONS" banners, which the environment may add. */
    public List<String> errLines() {
        return err.lines().filter(l -> !l.isBlank() && !l.startsWith("Picked up ")).toList();
    }

    /** Runs {@code jar} (of the module under test: target/NAME.jar) with {@code args}; fails if it runs over 5 minutes. */
    public static JarRun of(Path jar, String... args) throws IOException, InterruptedException {
        return of(jar, Map.of(), args);
    }

    public static JarRun of(Path jar, Map<String, String> environment, String... args) throws IOException, InterruptedException {
        assertTrue(Files.isRegularFile(jar), "package the module first: " + jar.toAbsolutePath());
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                jar.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(environment);
        Process p = builder.start();
        CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> {
            try {
                return p.getErrorStream().readAllBytes();
            } catch (IOException e) {
                return new byte[0];
            }
        });
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "no hang");
        return new JarRun(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err.join(), StandardCharsets.UTF_8));
    }

    /** Bad input: exit code {@code exit}, one line on stderr saying {@code expected}, no stack trace. */
    public void assertOneClearLine(int expectedExit, String expected) {
        assertEquals(expectedExit, exit, toString());
        assertEquals(1, errLines().size(), "one line: " + err);
        assertTrue(err.contains(expected), err);
        assertFalse(err.contains("Exception") || err.contains("\tat "), "no stack trace: " + err);
    }
}
