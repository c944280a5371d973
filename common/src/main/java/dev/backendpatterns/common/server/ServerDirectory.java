package dev.backendpatterns.common.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Where an embedded server keeps its data: a new temporary directory removed on {@link #close()}, or a directory
 * the user chose (for servers that outlive a run, see {@code scripts/servers.sh}), kept.
 */
public final class ServerDirectory implements AutoCloseable {
    private final Path path;
    private final boolean temporary;

    private ServerDirectory(Path path, boolean temporary) {
        this.path = path;
        this.temporary = temporary;
    }

    /** {@code kept} if not null (created if missing), otherwise a new temporary directory named after {@code prefix}. */
    public static ServerDirectory of(Path kept, String prefix) {
        try {
            if (kept != null) {
                return new ServerDirectory(Files.createDirectories(kept), false);
            }
            return new ServerDirectory(Files.createTempDirectory(prefix), true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a data directory: " + e.getMessage(), e);
        }
    }

    public Path path() {
        return path;
    }

    public Path resolve(String child) {
        return path.resolve(child);
    }

    @Override
    public void close() {
        if (temporary) {
            deleteRecursively(path);
        }
    }

    /** Deletes {@code dir} and everything in it, as far as possible. */
    public static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort: a leftover temporary directory is harmless
        }
    }
}
