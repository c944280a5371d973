package dev.backendpatterns.common.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A server running in a JVM of its own (Kafka, Cassandra): its classpath, its log file, waiting for the line that
 * says it is ready, and stopping it. Started through {@link ServerProcesses}, so it never outlives this JVM.
 */
public final class ForkedJvm implements AutoCloseable {
    private final String name;
    private final Process process;
    private final ServerLog log;

    private ForkedJvm(String name, Process process, ServerLog log) {
        this.name = name;
        this.process = process;
        this.log = log;
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
            ServerLog serverLog = ServerLog.fromEnd(log); // a kept server appends to the log of its last run
            Process process = ServerProcesses.start(new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())));
            return new ForkedJvm(name, process, serverLog);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + name + ": " + e.getMessage(), e);
        }
    }

    /**
     * Waits until this process has logged a line containing {@code marker}; fails with the log's tail if the process
     * exits first or the time runs out (and then stops it).
     */
    public void awaitLogLine(String marker, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (log.contains(marker)) {
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
        String first = log.firstError();
        return new IllegalStateException(name + " " + what + (first == null ? "" : "; first error: " + first)
                + "; last lines of " + log.file() + ":\n" + log.tail(25));
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
        ServerProcesses.kill(process);
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
