package dev.backendpatterns.common.cli;

import java.util.function.Supplier;

/**
 * Bad input from the user (a flag out of range, flags that contradict each other): the command prints the message as
 * one line and exits with code 2. Every other exception is a failure at run time (exit code 1), whatever its type.
 */
public final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UsageException(String message) {
        super(message);
    }

    /** Throws a usage error with {@code message} unless {@code condition} holds. */
    public static void require(boolean condition, String message) {
        if (!condition) {
            throw new UsageException(message);
        }
    }

    /**
     * Builds a value from flags, turning the {@link IllegalArgumentException} its constructor throws for a value out of
     * range into a usage error with the same message.
     */
    public static <T> T fromFlags(Supplier<T> build) {
        try {
            return build.get();
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }
}
