package dev.backendpatterns.common.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Exit codes: 2 only for bad input, 1 for anything that fails at run time, an IllegalArgumentException included. */
class CommandRunnerTest {

    @Command(name = "probe")
    static final class Probe implements Callable<Integer> {
        @Option(names = "--fail")
        String fail = "none";

        @Option(names = "--count")
        int count;

        @Override
        public Integer call() {
            switch (fail) {
                case "usage" -> throw new UsageException("--count must be positive, was " + count);
                case "argument" -> throw new IllegalArgumentException("a bug's bad argument, deep in a run");
                case "state" -> throw new IllegalStateException("server gone", new RuntimeException("connection reset"));
                default -> {
                    return 0;
                }
            }
        }
    }

    private static String[] run(String... args) {
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new Probe());
        cli.setErr(new PrintWriter(err, true));
        int code = CommandRunner.run(cli, args);
        return new String[] {Integer.toString(code), err.toString()};
    }

    @Test
    void badInputExitsTwoWithOneLine() {
        String[] usage = run("--fail=usage");
        assertEquals("2", usage[0]);
        assertEquals("probe: --count must be positive, was 0 (see probe --help)", usage[1].strip());
        String[] unparsable = run("--count=many");
        assertEquals("2", unparsable[0]);
        assertEquals(1, unparsable[1].strip().lines().count(), unparsable[1]);
        assertTrue(unparsable[1].contains("--count"), unparsable[1]);
    }

    @Test
    void aFailureAtRunTimeExitsOneEvenWhenItIsAnIllegalArgumentException() {
        String[] argument = run("--fail=argument");
        assertEquals("1", argument[0], "not mistaken for bad input");
        assertEquals("probe: error: a bug's bad argument, deep in a run", argument[1].strip());
        String[] state = run("--fail=state");
        assertEquals("1", state[0]);
        assertEquals("probe: error: server gone: connection reset", state[1].strip());
        assertFalse(state[1].contains("at dev."), "no stack trace without --verbose");
        assertEquals("0", run()[0]);
    }
}
