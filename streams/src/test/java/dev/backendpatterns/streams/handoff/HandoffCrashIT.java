package dev.backendpatterns.streams.handoff;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.backendpatterns.common.cli.RedisEndpointOptions;
import dev.backendpatterns.common.cli.ServerOptions;
import dev.backendpatterns.common.kafka.EmbeddedKafka;
import dev.backendpatterns.common.kafka.KafkaTarget;
import dev.backendpatterns.common.redis.EmbeddedRedis;
import dev.backendpatterns.common.redis.RedisBinary;
import dev.backendpatterns.common.redis.RedisTarget;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crashes: the JVM of a run killed with SIGKILL, and separately the server; after a restart the filter rebuilt from the
 * log holds every key whose append had been acknowledged (the run wrote each to --acked-log the moment it was).
 */
class HandoffCrashIT {
    private static final Path JAR = Path.of("target", "streams.jar");
    private static final long BITS = 1_000_000;
    private static final int POSITIONS = 6;

    @TempDir
    Path dir;

    private Process launch(String endpoint, String name, Path acked) throws IOException {
        assertTrue(Files.isRegularFile(JAR), "package the module first: " + JAR.toAbsolutePath());
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", JAR.toString(),
                "hinted-handoff", endpoint, "--requests=50000000", "--semaphore=100", "--bits=" + BITS, "--position=" + POSITIONS,
                "--name=" + name, "--acked-log=" + acked, "--no-progress");
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve(name + ".out").toFile()).start();
    }

    /** The keys written whole to the acked log (a line cut by the kill is not one). */
    private static List<String> ackedKeys(Path acked) throws IOException {
        String text = Files.exists(acked) ? Files.readString(acked, StandardCharsets.US_ASCII) : "";
        int end = text.lastIndexOf('\n');
        return end < 0 ? List.of() : List.of(text.substring(0, end).split("\n"));
    }

    private void awaitAcked(Path acked, int count, Process run, String name) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (ackedKeys(acked).size() < count) {
            if (!run.isAlive()) {
                fail("the run ended before the kill: " + Files.readString(dir.resolve(name + ".out")));
            }
            if (System.nanoTime() > deadline) {
                fail("fewer than " + count + " keys acknowledged in 90 s: " + Files.readString(dir.resolve(name + ".out")));
            }
            Thread.sleep(50);
        }
    }

    private static void kill(Process run) throws InterruptedException {
        run.destroyForcibly(); // SIGKILL
        assertTrue(run.waitFor(30, TimeUnit.SECONDS));
    }

    private static void assertEveryAckedKeyIsIn(HintLog log, List<String> keys) {
        Recovery recovery = Recovery.of(log, BITS, POSITIONS, false);
        assertTrue(recovery.replayed() >= keys.size(), "the log holds at least the acknowledged keys: " + recovery.replayed()
                + " < " + keys.size());
        List<String> missing = new ArrayList<>();
        for (String key : keys) {
            if (!recovery.filter().mightContain(HintedHandoff.hash(key))) {
                missing.add(key);
            }
        }
        assertTrue(missing.isEmpty(), missing.size() + " acknowledged keys are missing after the crash, e.g. "
                + missing.subList(0, Math.min(5, missing.size())));
    }

    private static RedisTarget redis(EmbeddedRedis server) {
        return RedisTarget.open(RedisEndpointOptions.external(server.uri()), ServerOptions.single(), HintedHandoffIT.quiet());
    }

    @Test
    void onRedisKillingTheRunOrTheServerLosesNoAcknowledgedKey() throws Exception {
        EmbeddedRedis server = EmbeddedRedis.start(RedisBinary.locate(), HintedHandoffIT.PERSISTENT);
        try {
            Path acked = dir.resolve("jvm.acked");
            Process run = launch("--redis=" + server.uri(), "jvm", acked);
            awaitAcked(acked, 20_000, run, "jvm");
            kill(run);
            List<String> keys = ackedKeys(acked);
            try (RedisTarget target = redis(server); HintLog log = new RedisHintLog(target, "jvm", 1, 0, 1000)) {
                assertEveryAckedKeyIsIn(log, keys);
            }

            acked = dir.resolve("server.acked");
            run = launch("--redis=" + server.uri(), "server", acked);
            awaitAcked(acked, 20_000, run, "server");
            server.kill(); // SIGKILL of redis-server: what it acknowledged is in the fsync'd append-only file
            Thread.sleep(200);
            kill(run);
            keys = ackedKeys(acked);
            server = server.restart();
            try (RedisTarget target = redis(server); HintLog log = new RedisHintLog(target, "server", 1, 0, 1000)) {
                assertEveryAckedKeyIsIn(log, keys);
            }
        } finally {
            server.close();
        }
    }

    @Test
    void onKafkaKillingTheRunOrTheBrokerLosesNoAcknowledgedKey() throws Exception {
        Path data = dir.resolve("kafka");
        EmbeddedKafka kafka = EmbeddedKafka.start(1, "512m", data, Duration.ofMinutes(3));
        try {
            Path acked = dir.resolve("jvm.acked");
            Process run = launch("--kafka=" + kafka.bootstrapServers(), "jvm", acked);
            awaitAcked(acked, 20_000, run, "jvm");
            kill(run);
            List<String> keys = ackedKeys(acked);
            try (KafkaTarget target = KafkaTarget.of(kafka.bootstrapServers(), Duration.ofSeconds(10));
                    HintLog log = new KafkaHintLog(target, "jvm", 1, 1000)) {
                assertEveryAckedKeyIsIn(log, keys);
            }

            acked = dir.resolve("broker.acked");
            run = launch("--kafka=" + kafka.bootstrapServers(), "broker", acked);
            awaitAcked(acked, 20_000, run, "broker");
            kafka.killNode(0); // SIGKILL of the broker: acks=all records are in its log files (the page cache outlives the process)
            Thread.sleep(200);
            kill(run);
            keys = ackedKeys(acked);
            kafka.close();
            kafka = EmbeddedKafka.start(1, "512m", data, Duration.ofMinutes(3));
            try (KafkaTarget target = KafkaTarget.of(kafka.bootstrapServers(), Duration.ofSeconds(10));
                    HintLog log = new KafkaHintLog(target, "broker", 1, 1000)) {
                assertEveryAckedKeyIsIn(log, keys);
            }
        } finally {
            kafka.close();
        }
    }
}
