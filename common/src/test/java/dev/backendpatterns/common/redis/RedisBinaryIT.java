package dev.backendpatterns.common.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertFalse;
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

    @Test
    void waitAofIsValkeysAndRedisFromSevenTwoOn() {
        RedisBinary bundled = RedisBinary.bundled();
        assertFalse(bundled.hasWaitAof(), "the bundled 7.0.15");
        assertTrue(new RedisBinary(bundled.path(), "redis", "7.2.4", "test").hasWaitAof());
        assertTrue(new RedisBinary(bundled.path(), "redis", "8.0.0", "test").hasWaitAof());
        assertFalse(new RedisBinary(bundled.path(), "redis", "7.1.9", "test").hasWaitAof());
        assertTrue(new RedisBinary(bundled.path(), "valkey", "7.2.5", "test").hasWaitAof());
    }
}
