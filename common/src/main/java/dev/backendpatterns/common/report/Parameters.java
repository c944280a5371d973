package dev.backendpatterns.common.report;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;

/**
 * A run's parameters, each under the name the JSON uses and the flag that sets it, so that the summary can print them
 * as a command line ({@code --algorithm=token_bucket --requests=1000000}) and the JSON as a map.
 */
public final class Parameters {
    private final Map<String, Object> values = new LinkedHashMap<>();
    private final Map<String, String> flags = new LinkedHashMap<>();

    /** Adds {@code value} under the JSON name {@code key}, set by {@code flag} (null: a derived value, no flag). */
    public Parameters put(String flag, String key, Object value) {
        values.put(key, value);
        if (flag != null) {
            flags.put(key, flag);
        }
        return this;
    }

    /** A derived value, with no flag of its own (it is printed as {@code key=value}). */
    public Parameters derived(String key, Object value) {
        return put(null, key, value);
    }

    @JsonValue
    public Map<String, Object> values() {
        return Collections.unmodifiableMap(values);
    }

    public Object get(String key) {
        return values.get(key);
    }

    /**
     * {@code --flag=value} for each parameter with a flag ({@code --x} or {@code --no-x} for a negatable
     * {@code --[no-]x}), {@code key=value} for the others; nulls left out.
     */
    public String commandLine() {
        StringJoiner line = new StringJoiner(" ");
        values.forEach((key, value) -> {
            if (value != null) {
                String flag = flags.get(key);
                if (flag != null && flag.startsWith("--[no-]") && value instanceof Boolean b) {
                    line.add((b ? "--" : "--no-") + flag.substring("--[no-]".length()));
                } else {
                    line.add((flag != null ? flag : key) + "=" + format(value));
                }
            }
        });
        return line.toString();
    }

    private static String format(Object value) {
        if (value instanceof Double d && d == Math.rint(d) && Math.abs(d) < 1e15) {
            return Long.toString(d.longValue());
        }
        if (value instanceof Enum<?> e) {
            return e.name().toLowerCase(Locale.ROOT);
        }
        return String.valueOf(value);
    }
}
