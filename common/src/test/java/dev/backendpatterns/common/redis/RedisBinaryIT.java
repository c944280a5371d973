package dev.backendpatterns.common.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A server found through a link runs by the link's name, as Debian's packages need. */
class RedisBinaryIT {
    @TempDir
    Path dir;

    @Test
    void aServerLinkedToTheCheckToolRunsAsAServer() throws Exception {
        // Debian: /usr/bin/valkey-server -> valkey-check-rdb (and redis-server -> redis-check-rdb); the executable serves
        // only when called by the server's name, so the link must not be resolved
        Path tool = Files.copy(RedisBinary.bundled().path(), dir.resolve("redis-check-rdb"));
        tool.toFile().setExecutable(true, true);
        Path link = Files.createSymbolicLink(dir.resolve("redis-server"), tool.getFileName());
        RedisBinary binary = RedisBinary.probe(link, "test");
        assertNotNull(binary, "the link is a runnable server");
        assertEquals(link.toAbsolutePath().normalize(), binary.path());
        try (EmbeddedRedis server = EmbeddedRedis.start(binary);
                RespClient client = new RespClient(EmbeddedRedis.HOST, server.port(), 5000)) {
            assertEquals("PONG", client.callString("PING"));
        }
    }
}
