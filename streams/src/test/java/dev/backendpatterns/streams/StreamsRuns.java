package dev.backendpatterns.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.backendpatterns.common.cli.CommandRunner;
import dev.backendpatterns.common.report.ResultJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;

/** Runs a streams command in this JVM and reads its JSON result. */
public final class StreamsRuns {
    private StreamsRuns() {
    }

    /**
     * Runs {@code args} (a subcommand and its flags), expects {@code exit}, and returns the result's JSON tree (null when
     * the run wrote none, as bad input does not).
     */
    public static Map<String, Object> run(Path dir, int exit, String... args) {
        Path json = dir.resolve("run-" + System.nanoTime() + ".json");
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--no-progress", "--json=" + json));
        assertEquals(exit, CommandRunner.run(new CommandLine(new StreamsCommand()), all.toArray(String[]::new)), "exit code of " + all);
        return exit != 0 && !Files.exists(json) ? null : ResultJson.readTree(json);
    }

    public static long number(Map<?, ?> tree, String name) {
        Object value = tree.get(name);
        if (!(value instanceof Number n)) {
            throw new AssertionError(name + " is not a number in " + tree);
        }
        return n.longValue();
    }
}
