package dev.backendpatterns.common.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** The resident set size of a process: /proc on Linux, {@code ps} elsewhere. */
public final class ProcessMemory {
    private ProcessMemory() {
    }

    public static long rssBytes(long pid) {
        Path status = Path.of("/proc", Long.toString(pid), "status");
        try {
            if (Files.isReadable(status)) {
                for (String line : Files.readAllLines(status, StandardCharsets.UTF_8)) {
                    if (line.startsWith("VmRSS:")) {
                        return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                    }
                }
                return 0;
            }
            Process ps = new ProcessBuilder("ps", "-o", "rss=", "-p", Long.toString(pid)).start();
            String out = new String(ps.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return out.isEmpty() ? 0 : Long.parseLong(out) * 1024;
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }
}
