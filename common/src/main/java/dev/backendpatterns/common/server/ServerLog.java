package dev.backendpatterns.common.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The part of a server's log file written by this run of the server (a kept server appends to the log of its last
 * run): whether a line appeared, its last lines and its first error, for readiness checks and failure messages.
 */
public final class ServerLog {
    private final Path file;
    private final long start;

    private ServerLog(Path file, long start) {
        this.file = file;
        this.start = start;
    }

    /** The log {@code file} from its current end on: call it before the server starts. */
    public static ServerLog fromEnd(Path file) {
        try {
            return new ServerLog(file, Files.exists(file) ? Files.size(file) : 0);
        } catch (IOException e) {
            return new ServerLog(file, 0);
        }
    }

    /** All of the log {@code file}: for a server that always starts with a new log. */
    public static ServerLog whole(Path file) {
        return new ServerLog(file, 0);
    }

    public Path file() {
        return file;
    }

    private List<String> lines() throws IOException {
        if (!Files.exists(file)) {
            return List.of();
        }
        byte[] bytes = Files.readAllBytes(file);
        int from = (int) Math.min(start, bytes.length);
        return new String(bytes, from, bytes.length - from, StandardCharsets.UTF_8).lines().toList();
    }

    public boolean contains(String marker) {
        try {
            return lines().stream().anyMatch(l -> l.contains(marker));
        } catch (IOException e) {
            return false;
        }
    }

    /** The last {@code count} lines, indented, or a note that there are none. */
    public String tail(int count) {
        try {
            List<String> all = lines();
            if (all.isEmpty()) {
                return "  (" + file + " is empty)\n";
            }
            StringBuilder tail = new StringBuilder();
            all.subList(Math.max(0, all.size() - count), all.size()).forEach(l -> tail.append("  ").append(l).append('\n'));
            return tail.toString();
        } catch (IOException e) {
            return "  (cannot read " + file + ": " + e.getMessage() + ")\n";
        }
    }

    /** The first line that reports an error, which the shutdown lines after it would hide, or null. */
    public String firstError() {
        try {
            return lines().stream()
                    .filter(l -> l.contains(" ERROR ") || l.contains("Exception") || l.startsWith("Error") || l.contains("Invalid"))
                    .map(String::trim).findFirst().orElse(null);
        } catch (IOException e) {
            return null;
        }
    }
}
