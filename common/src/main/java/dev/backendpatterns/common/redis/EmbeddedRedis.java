package dev.backendpatterns.common.redis;

import dev.backendpatterns.common.server.LoopbackPort;
import dev.backendpatterns.common.server.ServerDirectory;
import dev.backendpatterns.common.server.ServerLog;
import dev.backendpatterns.common.server.ServerProcesses;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One real {@code redis-server} process on a free loopback port, persistence off, in its own temporary
 * directory. Stopped by {@link #close()}, and never outlives this JVM (see {@link ServerProcesses}).
 */
public final class EmbeddedRedis implements AutoCloseable {
    public static final String HOST = "127.0.0.1";
    private static final long START_TIMEOUT_MILLIS = 15_000;

    private final RedisBinary binary;
    private final Process process;
    private final int port;
    private final Path directory;
    private final List<ServerLog> logs;
    private final List<String> extraArgs;
    private boolean ownsDirectory;

    private EmbeddedRedis(RedisBinary binary, Process process, int port, Path directory, Path logFile, List<String> extraArgs,
            boolean ownsDirectory) {
        this.binary = binary;
        this.extraArgs = List.copyOf(extraArgs);
        this.process = process;
        this.port = port;
        this.directory = directory;
        this.logs = List.of(ServerLog.whole(logFile), ServerLog.whole(directory.resolve("stdout.log")));
        this.ownsDirectory = ownsDirectory;
    }

    /** Starts a standalone server on a free port in a new temporary directory. */
    public static EmbeddedRedis start(RedisBinary binary) {
        return start(binary, List.of());
    }

    /** Starts a server on a free port in a new temporary directory with extra {@code redis-server} arguments. */
    public static EmbeddedRedis start(RedisBinary binary, List<String> extraArgs) {
        Path dir;
        try {
            dir = Files.createTempDirectory("bp-redis-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (int attempt = 1; ; attempt++) {
            try {
                return start(binary, freePort(), dir, extraArgs, true);
            } catch (IllegalStateException e) {
                // another process may take the free port between our probe and the server's bind
                if (attempt == 3 || !String.valueOf(e.getMessage()).contains("Address already in use")) {
                    deleteRecursively(dir);
                    throw e;
                }
            }
        }
    }

    /**
     * Starts a server on {@code port} with {@code directory} as its working directory (kept on close when the
     * caller made it).
     */
    static EmbeddedRedis start(RedisBinary binary, int port, Path directory, List<String> extraArgs, boolean ownsDirectory) {
        Path log = directory.resolve("redis.log");
        List<String> command = new ArrayList<>(List.of(binary.path().toString(),
                "--port", String.valueOf(port), "--bind", HOST, "--save", "", "--appendonly", "no",
                "--dir", directory.toString(), "--logfile", log.toString(), "--daemonize", "no",
                "--protected-mode", "no"));
        command.addAll(extraArgs);
        Process process;
        try {
            process = ServerProcesses.start(new ProcessBuilder(command).directory(directory.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(directory.resolve("stdout.log").toFile()));
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + binary.path() + ": " + e.getMessage(), e);
        }
        EmbeddedRedis server = new EmbeddedRedis(binary, process, port, directory, log, extraArgs, ownsDirectory);
        server.awaitReady();
        return server;
    }

    private void awaitReady() {
        long deadline = System.currentTimeMillis() + START_TIMEOUT_MILLIS;
        IOException last = null;
        while (System.currentTimeMillis() < deadline) {
            if (!process.isAlive()) {
                throw startFailure("exited with code " + process.exitValue());
            }
            try (RespClient client = new RespClient(HOST, port, 1000)) {
                if ("PONG".equals(client.callString("PING"))) {
                    return;
                }
            } catch (IOException e) {
                last = e;
            }
            sleep(10);
        }
        ServerProcesses.stop(process, 1000);
        throw startFailure("did not answer PING within " + START_TIMEOUT_MILLIS + " ms"
                + (last == null ? "" : " (" + last.getMessage() + ")"));
    }

    private IllegalStateException startFailure(String what) {
        return new IllegalStateException("embedded " + binary.name() + " on " + HOST + ":" + port + " " + what
                + "; last lines of its log:\n" + logTail(20));
    }

    /** The last {@code lines} lines of the server's log and of its standard output. */
    public String logTail(int lines) {
        StringBuilder tail = new StringBuilder();
        logs.forEach(log -> tail.append(log.tail(lines)));
        return tail.toString();
    }

    static int freePort() {
        return LoopbackPort.free(HOST);
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    public RedisBinary binary() {
        return binary;
    }

    public int port() {
        return port;
    }

    public String address() {
        return HOST + ":" + port;
    }

    public String uri() {
        return "redis://" + address();
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Kills the server at once (SIGKILL), as a crash would: for fault tests. */
    public void kill() {
        ServerProcesses.kill(process);
    }

    /**
     * After {@link #kill}: a new server on the same port and directory with the same arguments, so that it loads what
     * this one persisted (a crash-recovery test). The new server takes over the directory.
     */
    public EmbeddedRedis restart() {
        if (process.isAlive()) {
            throw new IllegalStateException("restart a server only once it is gone (kill it first)");
        }
        EmbeddedRedis next = start(binary, port, directory, extraArgs, ownsDirectory);
        ownsDirectory = false;
        return next;
    }

    @Override
    public void close() {
        ServerProcesses.stop(process, 5000);
        if (ownsDirectory) {
            deleteRecursively(directory);
        }
    }

    static void deleteRecursively(Path dir) {
        ServerDirectory.deleteRecursively(dir);
    }
}
