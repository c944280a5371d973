package dev.backendpatterns.common.report;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RunSummaryTest {

    private static String summary(RunResult r) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        RunSummary.print(r, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aLatencyFigureNamedWithItsUnitSaysTheUnitOnce() {
        String text = summary(RunResultJsonTest.sample());
        assertTrue(text.contains("  end to end latency us p50 42"), text);
        assertTrue(text.contains("  orders       publish_latency_us p50 42"), "nested in a figure too: " + text);
        assertFalse(text.contains("us us"), text);
    }

    @Test
    void inOpenLoopTheInFlightLineSaysItCountsRequestsNotYetSent() {
        String text = summary(RunResultJsonTest.sample());
        assertTrue(text.contains("from the intended time, so including requests not yet sent"), text);
    }

    @Test
    void aFigureTheRunDoesNotHaveIsSaidToBeNotMeasuredNotNull() {
        String text = summary(RunResultJsonTest.sample());
        assertTrue(text.contains("  out of order not measured"), text);
        assertFalse(text.contains("null"), text);
    }
}
