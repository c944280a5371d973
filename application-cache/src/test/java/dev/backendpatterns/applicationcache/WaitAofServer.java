package dev.backendpatterns.applicationcache;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.backendpatterns.common.redis.RedisBinary;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A server that has WAITAOF (Valkey, or Redis 7.2+), which the bundled Redis 7.0.15 lacks: {@code BP_WAITAOF_SERVER},
 * else {@code valkey-server} on the PATH, else Debian's {@code valkey-tools} (its {@code valkey-check-rdb} is the server
 * when called {@code valkey-server}, as Debian's own {@code valkey-server} link does). Without one a test is skipped,
 * unless {@code BP_REQUIRE_WAITAOF=1} (set by {@code .ci/run}, which installs valkey-tools): then it fails.
 */
final class WaitAofServer {
    private WaitAofServer() {
    }

    static RedisBinary locate(Path scratch) {
        RedisBinary binary = find(scratch);
        boolean required = "1".equals(System.getenv("BP_REQUIRE_WAITAOF"));
        if (required) {
            assertNotNull(binary, "BP_REQUIRE_WAITAOF=1 but no Valkey or Redis 7.2+ was found (BP_WAITAOF_SERVER, valkey-server, valkey-check-rdb)");
        }
        assumeTrue(binary != null, "no server with WAITAOF here: install valkey-server or valkey-tools (bookworm-backports), or set BP_WAITAOF_SERVER");
        return binary;
    }

    private static RedisBinary find(Path scratch) {
        String forced = System.getenv("BP_WAITAOF_SERVER");
        if (forced != null && !forced.isBlank()) {
            return withWaitAof(RedisBinary.at(Path.of(forced)));
        }
        Path server = RedisBinary.findOnPath("valkey-server");
        if (server != null) {
            return withWaitAof(RedisBinary.at(server));
        }
        Path checkRdb = RedisBinary.findOnPath("valkey-check-rdb");
        if (checkRdb == null) {
            return null;
        }
        try {
            Path link = scratch.resolve("valkey-server");
            Files.deleteIfExists(link);
            Files.createSymbolicLink(link, checkRdb);
            return withWaitAof(RedisBinary.at(link));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static RedisBinary withWaitAof(RedisBinary binary) {
        return binary != null && binary.hasWaitAof() ? binary : null;
    }
}
