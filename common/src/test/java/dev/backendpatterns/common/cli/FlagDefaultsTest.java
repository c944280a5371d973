package dev.backendpatterns.common.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.backendpatterns.common.load.LoadPlan;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** A command's own defaults reach the shared options, whatever name of the option they use. */
class FlagDefaultsTest {
    static final class TenThousand extends FlagDefaults {
        TenThousand() {
            super(Map.of("--requests", "10000", "-semaphore", "1000"));
        }
    }

    @Command(name = "sample", defaultValueProvider = TenThousand.class)
    static final class Sample {
        @Mixin
        LoadOptions load;
    }

    private static LoadPlan plan(String... args) {
        Sample sample = new Sample();
        new CommandLine(sample).parseArgs(args);
        return sample.load.plan();
    }

    @Test
    void theCommandsDefaultsApply() {
        LoadPlan plan = plan();
        assertEquals(10_000, plan.requests(), "--requests, although -numOfRequest is the option's longest name");
        assertEquals(1_000, plan.inFlight(), "-semaphore, although -semaphoreSize is the longest");
    }

    @Test
    void aGivenValueWins() {
        assertEquals(5, plan("-numOfRequest=5").requests());
        assertEquals(7, plan("--semaphore=7").inFlight());
    }
}
