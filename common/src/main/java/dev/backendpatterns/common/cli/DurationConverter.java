package dev.backendpatterns.common.cli;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Parses {@code 500ms}, {@code 30s}, {@code 1.5s}, {@code 5m}, {@code 1h}, or a bare number of seconds (as the Go
 * flags); at least one millisecond, in whole milliseconds.
 */
public final class DurationConverter implements ITypeConverter<Duration> {
    private static final Pattern FORMAT = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)?");

    @Override
    public Duration convert(String value) {
        return parse(value);
    }

    /** The duration {@code value} names; throws {@link TypeConversionException} with a user-facing message. */
    public static Duration parse(String value) {
        Matcher m = FORMAT.matcher(value.trim());
        if (!m.matches()) {
            throw new TypeConversionException("'" + value + "' is not a duration (examples: 500ms, 30s, 5m, 1h)");
        }
        double amount = Double.parseDouble(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        double millis = switch (unit) {
            case "ms" -> amount;
            case "s" -> amount * 1_000;
            case "m" -> amount * 60_000;
            default -> amount * 3_600_000;
        };
        if (millis < 1) {
            throw new TypeConversionException("a duration must be at least 1 ms, was '" + value + "'");
        }
        if (millis != Math.rint(millis)) {
            throw new TypeConversionException("a duration is a whole number of milliseconds, was '" + value + "'");
        }
        return Duration.ofMillis((long) millis);
    }

    /** Whether {@code value} looks like a duration (has a unit) rather than a count. */
    static boolean hasUnit(String value) {
        Matcher m = FORMAT.matcher(value.trim());
        return m.matches() && m.group(2) != null;
    }
}
