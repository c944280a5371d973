package dev.backendpatterns.common.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.backendpatterns.common.load.Warmup;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The parameters line of a report pastes back as a command line. */
class ParametersTest {

    @Test
    void theParametersLineIsACommandLine() {
        Parameters p = new Parameters()
                .put("--[no-]coalesce", "coalesce", true)
                .put("--[no-]batch", "batch", false)
                .put("--warmup", "warmup", Warmup.ofDuration(Duration.ofSeconds(3)).toString())
                .put("--requests", "requests", 1000L)
                .put("--rate", "rate", 2.0)
                .put("--seed", "seed", null);
        assertEquals("--coalesce --no-batch --warmup=3000ms --requests=1000 --rate=2", p.commandLine());
        assertEquals("0", Warmup.NONE.toString());
    }
}
