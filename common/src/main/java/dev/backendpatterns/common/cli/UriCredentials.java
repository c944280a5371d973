package dev.backendpatterns.common.cli;

import java.util.regex.Pattern;

/**
 * Hides the credentials of server addresses ({@code redis://user:password@host}) in text that is printed or written:
 * logs, the summary, the JSON's command line. The password never leaves the process.
 */
public final class UriCredentials {
    private static final Pattern USER_INFO = Pattern.compile("//[^@/\\s]*@");

    private UriCredentials() {
    }

    /** {@code text} with every {@code //user:password@} replaced by {@code //***@}; null stays null. */
    public static String hide(String text) {
        return text == null ? null : USER_INFO.matcher(text).replaceAll("//***@");
    }
}
