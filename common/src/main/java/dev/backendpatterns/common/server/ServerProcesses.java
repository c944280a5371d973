package dev.backendpatterns.common.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Starts and stops the server processes of this JVM, and makes sure none outlives it: a shutdown hook stops them on a
 * normal exit or Ctrl-C, and an {@link OrphanWatchdog} stops them when this JVM dies without running its hooks
 * (SIGKILL). Each server runs in a session of its own ({@code setsid}, where the system has it), so a Ctrl-C typed in
 * the terminal reaches the command, which stops its servers itself once it has reported, and not the servers directly.
 */
public final class ServerProcesses {
    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();
    private static final Path SETSID = List.of(Path.of("/usr/bin/setsid"), Path.of("/bin/setsid")).stream()
            .filter(Files::isExecutable).findFirst().orElse(null);
    private static final OrphanWatchdog WATCHDOG = OrphanWatchdog.start();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(ServerProcesses::destroyAll, "embedded-servers-shutdown"));
    }

    private ServerProcesses() {
    }

    /** The prefix that runs a command in a new session, or nothing where the system has no {@code setsid}. */
    static List<String> ownSession() {
        return SETSID == null ? List.of() : List.of(SETSID.toString());
    }

    /** Starts {@code builder}'s command in a session of its own, guarded as described in the class comment. */
    public static Process start(ProcessBuilder builder) throws IOException {
        List<String> command = new ArrayList<>(ownSession());
        command.addAll(builder.command());
        Process process = builder.command(command).start();
        LIVE.add(process);
        if (WATCHDOG != null) {
            WATCHDOG.guard(process.pid());
        }
        return process;
    }

    /** Stops a process: SIGTERM, then SIGKILL if it has not exited after {@code graceMillis}. */
    public static void stop(Process process, long graceMillis) {
        process.destroy();
        try {
            if (!process.waitFor(graceMillis, TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        forget(process);
    }

    /** Kills a process at once (SIGKILL), as a crash would, and waits for it to be gone. */
    public static void kill(Process process) {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        forget(process);
    }

    private static void forget(Process process) {
        if (LIVE.remove(process) && WATCHDOG != null && !process.isAlive()) {
            WATCHDOG.release(process.pid());
        }
    }

    private static void destroyAll() {
        for (Process p : LIVE) {
            p.destroy();
        }
        for (Process p : LIVE) {
            try {
                if (!p.waitFor(3, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
            }
        }
        if (WATCHDOG != null) {
            WATCHDOG.close();
        }
    }
}
