package dev.backendpatterns.common.cli;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.concurrent.CompletionException;
import picocli.CommandLine;

/**
 * Runs a picocli command the way every main of the suite does: bad input ({@link UsageException}, or a flag picocli
 * cannot parse) gives one clear line and exit code 2; a failure at run time one clear message and exit code 1, never a
 * stack trace unless {@code --verbose}.
 */
public final class CommandRunner {
    public static final int USAGE_ERROR = 2;
    public static final int RUN_ERROR = 1;

    private CommandRunner() {
    }

    /** Parses and runs; returns the exit code. */
    public static int run(Object command, String... args) {
        return run(new CommandLine(command), args);
    }

    /** As {@link #run(Object, String...)}, for a command line already built (with subcommands added, say). */
    public static int run(CommandLine cli, String... args) {
        boolean verbose = Arrays.asList(args).contains("--verbose");
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setAbbreviatedOptionsAllowed(false);
        cli.setParameterExceptionHandler((ex, arguments) -> {
            PrintWriter err = ex.getCommandLine().getErr();
            String name = ex.getCommandLine().getCommandName();
            err.println(name + ": " + ex.getMessage() + " (see " + name + " --help)");
            return USAGE_ERROR;
        });
        cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            Throwable cause = unwrap(ex);
            PrintWriter err = commandLine.getErr();
            if (cause instanceof UsageException) {
                err.println(commandLine.getCommandName() + ": " + cause.getMessage() + " (see " + commandLine.getCommandName() + " --help)");
                return USAGE_ERROR;
            }
            err.println(commandLine.getCommandName() + ": error: " + message(cause));
            if (verbose) {
                cause.printStackTrace(err);
            }
            return RUN_ERROR;
        });
        return cli.execute(args);
    }

    private static Throwable unwrap(Throwable e) {
        Throwable t = e;
        while ((t instanceof CompletionException || t instanceof UncheckedIOException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    private static String message(Throwable e) {
        StringBuilder text = new StringBuilder(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
            if (c.getMessage() != null && !text.toString().contains(c.getMessage())) {
                text.append(": ").append(c.getMessage());
            }
        }
        return text.toString();
    }
}
