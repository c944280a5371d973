package dev.backendpatterns.common.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backendpatterns.common.load.LoadPlan;
import dev.backendpatterns.common.load.Warmup;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class LoadOptionsTest {
    private static LoadPlan plan(String... args) {
        LoadOptions options = new LoadOptions();
        new CommandLine(options).parseArgs(args);
        return options.plan();
    }

    @Test
    void aCountedRunWarmsUpWithATenthOfItsRequestsUpTo200000() {
        assertEquals(Warmup.ofRequests(10_000), plan("--requests=100000").warmup());
        assertEquals(Warmup.ofRequests(200_000), plan("--requests=10000000").warmup());
        assertTrue(plan("--requests=5").warmup().none());
    }

    @Test
    void aTimedRunWarmsUpForATenthOfItsDurationUpTo10Seconds() {
        assertEquals(Warmup.ofDuration(Duration.ofSeconds(1)), plan("--duration=10s", "--rate=20000").warmup());
        assertEquals(Warmup.ofDuration(Duration.ofSeconds(10)), plan("--duration=5m").warmup());
        assertEquals(Warmup.ofDuration(Duration.ofMillis(50)), plan("--duration=500ms").warmup());
    }

    @Test
    void theWarmupIsACountOrATime() {
        assertEquals(Warmup.ofRequests(500), plan("--warmup=500").warmup());
        assertEquals(Warmup.ofDuration(Duration.ofSeconds(5)), plan("--duration=60s", "--warmup=5s").warmup());
        assertTrue(plan("--duration=60s", "--warmup=0").warmup().none());
        assertThrows(UsageException.class, () -> plan("--warmup=soon"));
        assertThrows(UsageException.class, () -> plan("--warmup=-4"));
        assertThrows(UsageException.class, () -> plan("--warmup=0.0001ms"));
    }

    @Test
    void badCountsAreUsageErrors() {
        assertThrows(UsageException.class, () -> plan("--requests=0"));
        assertThrows(UsageException.class, () -> plan("--semaphore=0"));
        assertThrows(UsageException.class, () -> plan("--rate=-1"));
    }
}
