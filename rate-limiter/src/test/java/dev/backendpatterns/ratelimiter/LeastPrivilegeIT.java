package dev.backendpatterns.ratelimiter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.backendpatterns.common.redis.EmbeddedRedis;
import dev.backendpatterns.common.redis.RedisBinary;
import dev.backendpatterns.common.testing.JarRun;
import io.lettuce.core.AclSetuserArgs;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every algorithm of ours runs against a Redis whose default user is disabled and whose only user the suite gets may
 * touch nothing but the {@code bp:rl:*} keys, with only the commands the scripts and the report need. The run must
 * succeed, be denied nothing (the server's ACL LOG stays empty), leave no key behind, and never show the password.
 */
class LeastPrivilegeIT {
    private static final Path JAR = Path.of("target", "rate-limiter.jar");
    private static final String PASSWORD = "pw-4f1e9c07-never-printed";
    /** The commands the rate limiter needs: its scripts' own calls, loading them, deleting its keys, and INFO for the report. */
    private static final String LIMITER_RIGHTS = "on >" + PASSWORD + " ~bp:rl:* resetchannels -@all"
            + " +evalsha +eval +script|load +script|exists +time +get +mget +set +zremrangebyscore +zcard +zadd +zrange"
            + " +pexpire +unlink +info +ping +hello +client|setname";
    private static EmbeddedRedis server;
    private static RedisClient adminClient;
    private static RedisCommands<String, String> admin;

    @BeforeAll
    static void start() {
        server = EmbeddedRedis.start(RedisBinary.locate());
        try (RedisClient client = RedisClient.create(server.uri()); StatefulRedisConnection<String, String> c = client.connect()) {
            RedisCommands<String, String> setup = c.sync();
            setup.aclSetuser("bp-test-admin", AclSetuserArgs.Builder.on().addPassword("admin-pw").allKeys().allChannels().allCommands());
            CommandArgs<String, String> limiter = new CommandArgs<>(StringCodec.UTF8).add("SETUSER").add("bp-limiter");
            for (String rule : LIMITER_RIGHTS.split(" ")) {
                limiter.add(rule);
            }
            assertEquals("OK", setup.dispatch(CommandType.ACL, new StatusOutput<>(StringCodec.UTF8), limiter));
            try { // the client's handshake sends CLIENT SETINFO, which Redis 7.2+ has and 7.0 does not
                setup.dispatch(CommandType.ACL, new StatusOutput<>(StringCodec.UTF8),
                        new CommandArgs<>(StringCodec.UTF8).add("SETUSER").add("bp-limiter").add("+client|setinfo"));
            } catch (RedisCommandExecutionException e) {
                // an older server: nothing to allow
            }
            setup.aclSetuser("default", AclSetuserArgs.Builder.off());
        }
        adminClient = RedisClient.create(RedisURI.builder().withHost(EmbeddedRedis.HOST).withPort(server.port())
                .withAuthentication("bp-test-admin", "admin-pw".toCharArray()).build());
        admin = adminClient.connect().sync();
        admin.aclLogReset();
    }

    @AfterAll
    static void stop() {
        if (adminClient != null) {
            adminClient.shutdown();
        }
        if (server != null) {
            server.close();
        }
    }

    @ParameterizedTest
    @EnumSource(value = Algorithm.class, names = {"TOKEN_BUCKET", "GCRA", "SLIDING_WINDOW_LOG", "SLIDING_WINDOW_COUNTER", "FIXED_WINDOW", "NOOP"})
    void everyAlgorithmRunsWithOnlyItsOwnKeysAndCommands(Algorithm algorithm) throws Exception {
        Path json = Files.createTempFile("bp-acl-", ".json");
        JarRun r = JarRun.of(JAR, "--redis=redis://bp-limiter:" + PASSWORD + "@" + EmbeddedRedis.HOST + ":" + server.port(),
                "--algorithm=" + algorithm.id(), "--keys=200", "--requests=20000", "--threshold=5", "--bucket-size=5",
                "--warmup=2000", "--no-progress", "--json", json.toString());
        String written = Files.readString(json);
        assertEquals(0, r.exit(), () -> "exit " + r.exit() + "\n" + r.out() + r.err());
        JsonNode result = new ObjectMapper().readTree(written);
        assertFalse(result.path("outcomes").has("error"), () -> "no request failed: " + result.path("errors"));
        if (algorithm != Algorithm.NOOP) {
            assertTrue(result.path("outcomes").path("throttled").asLong() > 0, "the limits were reached");
        }
        List<Map<String, Object>> denied = admin.aclLog();
        assertTrue(denied.isEmpty(), () -> "the server denied nothing: " + denied);
        assertEquals(0, admin.dbsize(), "no key is left behind");
        for (String text : List.of(r.out(), r.err(), written)) {
            assertFalse(text.contains(PASSWORD), "the password appears nowhere: " + text);
        }
        assertTrue(written.contains("redis://***@"), "the command line in the JSON keeps the address, not the credentials");
        Files.deleteIfExists(json);
    }
}
