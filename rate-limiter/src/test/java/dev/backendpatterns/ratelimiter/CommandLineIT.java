package dev.backendpatterns.ratelimiter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backendpatterns.common.testing.JarRun;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The runnable jar as a user runs it: Go spellings work, bad input gets one clear line and a non-zero exit. */
class CommandLineIT {
    private static final Path JAR = Path.of("target", "rate-limiter.jar");

    private static JarRun run(String... args) throws Exception {
        return JarRun.of(JAR, args);
    }

    private static JarRun run(Map<String, String> environment, String... args) throws Exception {
        return JarRun.of(JAR, environment, args);
    }

    private static void assertOneClearLine(JarRun r, int exit, String expected) {
        r.assertOneClearLine(exit, expected);
    }

    @Test
    void negativeCountsAreRejected() throws Exception {
        assertOneClearLine(run("--requests=-5"), 2, "--requests must be positive");
        assertOneClearLine(run("-semaphoreSize=0"), 2, "--semaphore must be positive");
        assertOneClearLine(run("--threshold=-1", "--algorithm=fixed_window"), 2, "--threshold must be at least 1");
    }

    @Test
    void anUnknownAlgorithmListsTheKnownOnes() throws Exception {
        assertOneClearLine(run("--algorithm=leaky"), 2, "unknown algorithm 'leaky'; expected one of token_bucket");
    }

    @Test
    void jvmBannersFromTheEnvironmentDoNotCountAsOutput() throws Exception {
        JarRun r = run(Map.of("JAVA_TOOL_OPTIONS", "-Xss2m"), "--requests=-5");
        assertTrue(r.err().contains("Picked up JAVA_TOOL_OPTIONS"), "the JVM announced the option: " + r.err());
        assertOneClearLine(r, 2, "--requests must be positive");
    }

    @Test
    void anUnknownOptionIsRejected() throws Exception {
        assertOneClearLine(run("--requestz=5"), 2, "Unknown option");
    }

    @Test
    void anUnreachableRedisIsOneLineAndExitCodeOne() throws Exception {
        JarRun r = run("--redis=redis://127.0.0.1:1", "--requests=10");
        assertOneClearLine(r, 1, "cannot connect to external Redis redis://127.0.0.1:1");
    }

    @Test
    void theReferenceCommandLineRunsWithGoSpellings() throws Exception {
        JarRun r = run("-algorithm=token_bucket", "-numOfRequest=20000", "-semaphoreSize=100", "-refillRate=1000", "-bucketSize=1000",
                "-ttlms=1000", "-threshold=1000");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("requests     20,000 in"), r.out());
        assertTrue(r.err().contains("started an embedded"), r.err());
    }

    @Test
    void theReadmesSemaphoreOfTenMillionIsCappedAtTheRequestQueue() throws Exception {
        JarRun r = run("-algorithm=token_bucket", "-numOfRequest=100000", "-semaphoreSize=10000000", "--no-coalesce");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.err().contains("--semaphore 10,000,000 is more than a connection may queue; 65,536 in flight instead"), r.err());
        assertTrue(r.out().lines().filter(l -> l.startsWith("  outcomes")).noneMatch(l -> l.contains("error")), "no request failed: " + r.out());
    }

    @Test
    void theGoClusterFlagStartsAnEmbeddedCluster() throws Exception {
        JarRun r = run("-cluster", "-algorithm=gcra", "-numOfRequest=5000", "--keys=100");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.err().contains("embedded Redis Cluster: 6 nodes (3 masters)"), r.err());
        assertTrue(r.out().contains("outcomes     allowed"), r.out());
    }

    @Test
    void theAccuracyReportRuns() throws Exception {
        JarRun r = run("accuracy", "--threshold=20", "--windows=4", "--pattern=boundary-burst");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("sliding_window_log       boundary-burst"), r.out());
    }
}
