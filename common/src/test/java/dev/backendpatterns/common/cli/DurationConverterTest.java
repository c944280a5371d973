package dev.backendpatterns.common.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

class DurationConverterTest {
    private final DurationConverter converter = new DurationConverter();

    @Test
    void parsesUnitsAndBareSeconds() {
        assertEquals(Duration.ofMillis(500), converter.convert("500ms"));
        assertEquals(Duration.ofSeconds(30), converter.convert("30s"));
        assertEquals(Duration.ofSeconds(20), converter.convert("20"));
        assertEquals(Duration.ofMinutes(5), converter.convert("5m"));
        assertEquals(Duration.ofMillis(1500), converter.convert("1.5s"));
        assertEquals(Duration.ofHours(1), converter.convert("1h"));
        assertEquals(Duration.ofMillis(1), converter.convert("0.001s"));
    }

    @Test
    void rejectsGarbageZeroAndWhatWouldRoundToZero() {
        assertThrows(TypeConversionException.class, () -> converter.convert("soon"));
        assertThrows(TypeConversionException.class, () -> converter.convert("-3s"));
        assertThrows(TypeConversionException.class, () -> converter.convert("0s"));
        assertThrows(TypeConversionException.class, () -> converter.convert("0.0001ms"));
        assertThrows(TypeConversionException.class, () -> converter.convert("1.5ms"));
    }
}
