package dev.backendpatterns.common.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A server running in a JVM of its own (Kafka, Cassandra): its classpath, its log file, waiting for the line that
 * says it is ready, and stopping it. Registered with {@link ServerProcesses}, so it never outlives this JVM.
 */
public final class ForkedJvm implements AutoCloseable {
    private final String name;
    private final Process process;
    private final Path log;
    private final long logStart;

    private ForkedJvm(String name, Process process, Path log, long logStart) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.logStart = logStart;
    }

    /** Starts {@code mainClass} with the JDK running this JVM, its output (stdout and stderr) appended to {@code log}. */
    public static ForkedJvm start(String name, List<String> jvmArgs, List<Path> classpath, String mainClass, List<String> args,
            Path workDir, Path log) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmArgs);
        command.add("-cp");
        command.add(ServerClasspath.join(classpath));
        command.add(mainClass);
        command.addAll(args);
        try {
            Files.createDirectories(workDir);
            long logStart = Files.exists(log) ? Files.size(log) : 0; // a kept server appends to the log of its last run
            Process process = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            ServerProcesses.register(process);
            return new ForkedJvm(name, process, log, logStart);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + name + ": " + e.getMessage(), e);
        }
    }

    /**
     * Waits until this process has logged a line containing {@code marker}; fails with the log's tail if the process
     * exits first or the time runs out (and then stops it).
     */
    public void awaitLogLine(String marker, Duration timeout) {
        long fromOffset = logStart;
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (logContains(marker, fromOffset)) {
                return;
            }
            if (!process.isAlive()) {
                throw failure("exited with code " + process.exitValue() + " before it was ready");
            }
            if (System.nanoTime() > deadline) {
                close();
                throw failure("was not ready after " + timeout.toSeconds() + " s (no '" + marker + "' in its log)");
            }
            sleep(100);
        }
    }

    /** Waits for the process to end; its exit code, or a failure with the log's tail on timeout. */
    public int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw failure("did not finish within " + timeout.toSeconds() + " s");
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IllegalStateException("interrupted while waiting for " + name, e);
        }
    }

    /** An exception that says what went wrong with the server and shows the end of its log. */
    public IllegalStateException failure(String what) {
        String first = firstError();
        return new IllegalStateException(name + " " + what + (first == null ? "" : "; first error: " + first)
                + "; last lines of " + log + ":\n" + logTail(25));
    }

    /** The first line of this run's log that reports an error, which the shutdown lines after it would hide. */
    private String firstError() {
        try {
            if (!Files.exists(log)) {
                return null;
            }
            byte[] bytes = Files.readAllBytes(log);
            int from = (int) Math.min(logStart, bytes.length);
            for (String line : new String(bytes, from, bytes.length - from, StandardCharsets.UTF_8).split("\n")) {
                if (line.contains(" ERROR ") || line.contains("Exception") || line.startsWith("Error") || line.contains("Invalid")) {
                    return line.trim();
                }
            }
            return null;
        } catch (IOException e) {
            return null;
        }
    }

    private boolean logContains(String marker, long fromOffset) {
        try {
            if (!Files.exists(log) || Files.size(log) <= fromOffset) {
                return false;
            }
            byte[] bytes = Files.readAllBytes(log);
            String text = new String(bytes, (int) Math.min(fromOffset, bytes.length), (int) (bytes.length - Math.min(fromOffset, bytes.length)),
                    StandardCharsets.UTF_8);
            return text.contains(marker);
        } catch (IOException e) {
            return false;
        }
    }

    public String logTail(int lines) {
        try {
            if (!Files.exists(log)) {
                return "  (no log)\n";
            }
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            StringBuilder tail = new StringBuilder();
            all.subList(Math.max(0, all.size() - lines), all.size()).forEach(l -> tail.append("  ").append(l).append('\n'));
            return tail.toString();
        } catch (IOException e) {
            return "  (cannot read " + log + ": " + e.getMessage() + ")\n";
        }
    }

    /** Resident memory of the process in bytes (Linux /proc, else ps), or 0 when unknown. */
    public long rssBytes() {
        return ProcessMemory.rssBytes(process.pid());
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL, as a crash. */
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** SIGTERM, then SIGKILL after 20 s. */
    @Override
    public void close() {
        ServerProcesses.stop(process, 20_000);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
