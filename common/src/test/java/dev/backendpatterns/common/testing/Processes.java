package dev.backendpatterns.common.testing;

import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Whether processes run, for the tests that check no server outlives the process that started it. */
public final class Processes {
    private Processes() {
    }

    /**
     * Whether {@code pid} runs. A zombie counts as gone: an orphan's exit is left for a parent that may not reap it (on
     * this CI machine, process 1 does not), though the process itself has ended.
     */
    public static boolean running(long pid) {
        if (Files.isDirectory(Path.of("/proc", "self"))) {
            try {
                String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
                return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
            } catch (IOException e) {
                return false;
            }
        }
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    /** Waits up to {@code seconds} for {@code pid} to end, and fails if it does not. */
    public static void awaitGone(long pid, long seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (running(pid) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertFalse(running(pid), "process " + pid + " still runs: it outlived the process that started it");
    }
}
