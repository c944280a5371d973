package dev.backendpatterns.common.server;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The server processes this JVM started, destroyed by one shutdown hook so that Ctrl-C or a failed run never
 * leaves an embedded server behind.
 */
public final class ServerProcesses {
    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(ServerProcesses::destroyAll, "embedded-servers-shutdown"));
    }

    private ServerProcesses() {
    }

    public static void register(Process process) {
        LIVE.add(process);
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
        LIVE.remove(process);
    }

    /** Kills a process at once (SIGKILL), as a crash would, and waits for it to be gone. */
    public static void kill(Process process) {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LIVE.remove(process);
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
    }
}
