package dev.backendpatterns.applicationcache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backendpatterns.common.testing.JarRun;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The runnable jar as a user runs it: the reference's command lines, and bad input given one line and exit code 2. */
class CommandLineIT {
    private static final Path JAR = Path.of("target", "application-cache.jar");

    private static JarRun run(String... args) throws Exception {
        return JarRun.of(JAR, args);
    }

    private static void assertOneClearLine(JarRun r, String expected) {
        r.assertOneClearLine(2, expected);
    }

    @Test
    void badInputIsOneLineAndExitCodeTwo() throws Exception {
        assertOneClearLine(run("r-filter", "--position", "0"), "--position must be between 1 and 64");
        assertOneClearLine(run("r_filter", "-bits=1000000000000000"), "needs");
        // two billion fingerprints need 32 GiB of slots: refused before anything is allocated, not an OutOfMemoryError
        assertOneClearLine(run("r-filter", "--algorithm=r_filter", "--requests=4000000000"), "raise -Xmx, or lower --requests");
        assertOneClearLine(run("r-filter", "--algorithm=none", "-numOfRequest=9000000000000000000"), "lower --requests");
        assertOneClearLine(run("r-filter", "--algorithm=cuckoo"), "unknown algorithm 'cuckoo'");
        assertOneClearLine(run("r-filter", "--hash=md5"), "unknown hash 'md5'");
        assertOneClearLine(run("cache-invalidation", "--failure-rate", "2", "--duration=1s"), "--failure-rate must be between 0 and 1");
        assertOneClearLine(run("cache-invalidation", "--strategy=hope"), "unknown strategy 'hope'");
        assertOneClearLine(run("cache_invalidation", "--wait=sometimes"), "--wait takes wait, waitaof or none");
        assertOneClearLine(run("cache-invalidation", "-cluster", "--wait=waitaof", "--appendfsync=no"), "--appendfsync takes always or everysec");
        assertOneClearLine(run("cache-invalidation", "-cluster", "--wait=wait", "--appendfsync=always"), "--appendfsync sets the embedded servers' policy");
    }

    @Test
    void theReferencesScenarioShowsTheStaleReadThenItsFix() throws Exception {
        JarRun r = run("cache_invalidation");
        assertEquals(0, r.exit(), r.toString());
        int ng = r.out().indexOf("[NG]");
        int ok = r.out().indexOf("[OK]");
        assertTrue(ng >= 0 && ok > ng, "[NG] without invalidation, then [OK] with it: " + r.out());
    }

    @Test
    void aWaitForAReplicaThatNoMasterHasIsRefused() throws Exception {
        // three to five embedded nodes are all masters: WAIT 1 could only time out, write after write
        JarRun r = run("cache-invalidation", "-cluster", "-instances=3", "--requests=10");
        assertEquals(2, r.exit(), r.toString());
        List<String> said = r.errLines().stream().filter(l -> l.startsWith("cache-invalidation:")).toList();
        assertEquals(1, said.size(), r.err());
        assertTrue(said.get(0).contains("--wait=wait --numreplicas=1: master ") && said.get(0).contains("has 0 connected replica(s)")
                && said.get(0).contains("--instances=6"), said.get(0));
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
    }

    @Test
    void waitaofOnAServerWithoutItIsOneClearLine() throws Exception {
        // the bundled Redis 7.0.15 has no WAITAOF, whatever else this machine has on its PATH
        JarRun r = JarRun.of(JAR, Map.of("BP_REDIS_SERVER", "bundled"), "cache-invalidation", "-cluster", "--wait=waitaof", "--requests=10");
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().contains("--wait=waitaof needs Redis 7.2+ or Valkey"), r.err());
        assertEquals(1, r.errLines().stream().filter(l -> l.startsWith("cache-invalidation:")).count(), r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
    }
}
