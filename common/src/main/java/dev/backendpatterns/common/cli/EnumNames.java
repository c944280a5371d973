package dev.backendpatterns.common.cli;

import java.util.Arrays;
import java.util.Locale;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Reads an enum constant from the name users type: its id ({@code token_bucket}, {@code delete-after}), in any case,
 * with {@code -} and {@code _} alike; an unknown name is refused with the list of the known ones.
 */
public final class EnumNames {
    private EnumNames() {
    }

    public static <E extends Enum<E>> E parse(Class<E> type, String name, Function<E, String> id, String what) {
        String wanted = normalize(name);
        for (E constant : type.getEnumConstants()) {
            if (normalize(id.apply(constant)).equals(wanted) || normalize(constant.name()).equals(wanted)) {
                return constant;
            }
        }
        throw new IllegalArgumentException("unknown " + what + " '" + name + "'; expected one of "
                + Arrays.stream(type.getEnumConstants()).map(id).collect(Collectors.joining(", ")));
    }

    private static String normalize(String name) {
        return name.trim().toLowerCase(Locale.ROOT).replace('-', '_');
    }
}
