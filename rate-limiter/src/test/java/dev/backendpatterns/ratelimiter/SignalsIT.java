package dev.backendpatterns.ratelimiter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backendpatterns.common.report.ResultJson;
import dev.backendpatterns.common.testing.Processes;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real signals on a real run of the jar: Ctrl-C reports what ran and stops the servers; SIGKILL leaves none behind. */
class SignalsIT {
    private static final Path JAR = Path.of("target", "rate-limiter.jar");

    /** A running jar: its process, and its stdout and stderr as they are read. */
    private record Run(Process process, CompletableFuture<String> out, StringBuffer err) {
        static Run start(String... args) throws IOException {
            return start(false, args);
        }

        /**
         * Starts the jar; with {@code defaultSigint}, through GNU env's {@code --default-signal=INT}, which gives the
         * command SIGINT's default disposition even when this JVM has it ignored, as a background job of a
         * non-interactive shell (CI) does: the command (rightly) leaves an ignored SIGINT ignored.
         */
        static Run start(boolean defaultSigint, String... args) throws IOException {
            List<String> command = new ArrayList<>();
            if (defaultSigint) {
                command.addAll(List.of("env", "--default-signal=INT"));
            }
            command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", JAR.toString()));
            command.addAll(List.of(args));
            Process p = new ProcessBuilder(command).start();
            StringBuffer err = new StringBuffer();
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        err.append(line).append('\n');
                    }
                } catch (IOException e) {
                    // the process is gone
                }
            });
            reader.setDaemon(true);
            reader.start();
            CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> {
                try {
                    return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    return "";
                }
            });
            return new Run(p, out, err);
        }

        /** Waits until stderr shows the embedded server started; returns the server's process id. */
        long awaitServer() throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!err.toString().contains("started an embedded")) {
                assertTrue(process.isAlive(), "the command ended early: " + err);
                assertTrue(System.nanoTime() < deadline, "no server started: " + err);
                Thread.sleep(50);
            }
            return process.descendants().filter(h -> h.info().command().map(c -> c.contains("redis-server") || c.contains("valkey-server"))
                    .orElse(false)).findFirst().orElseThrow(() -> new AssertionError("no server process under the command")).pid();
        }
    }

    @Test
    void ctrlCStopsTheRunReportsWhatRanWritesTheJsonAndStopsTheServer(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("partial.json");
        // with SIGINT ignored here and no GNU env to restore it (not Linux), SIGTERM stands in for Ctrl-C
        boolean restorable = gnuEnvRestoresSignals();
        boolean intIgnored = !restorable && sigintIgnored();
        Run run = Run.start(restorable, "--duration=60s", "--keys=100", "--warmup=0", "--no-progress", "--json=" + json);
        long server = run.awaitServer();
        Thread.sleep(2_000);
        String signal = intIgnored ? "TERM" : "INT";
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(run.process().pid())).start();
        assertEquals(0, kill.waitFor());
        if (!run.process().waitFor(30, TimeUnit.SECONDS)) {
            Process dump = new ProcessBuilder("jcmd", Long.toString(run.process().pid()), "Thread.print").redirectErrorStream(true).start();
            String threads = new String(dump.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            run.process().destroyForcibly();
            throw new AssertionError("the command did not end within 30 s of Ctrl-C; its stderr:\n" + run.err() + "\nits threads:\n" + threads);
        }
        String out = run.out().get(5, TimeUnit.SECONDS);
        assertEquals(intIgnored ? 143 : 130, run.process().exitValue(), out + run.err());
        assertTrue(out.contains("INCOMPLETE   interrupted by SIG" + signal), out);
        assertTrue(out.contains("requests     "), out);
        Map<String, Object> result = ResultJson.readTree(json);
        assertEquals(false, result.get("complete"));
        assertEquals("interrupted by SIG" + signal, result.get("stop_reason"));
        long requests = (Long) result.get("requests");
        assertTrue(requests > 1_000, "it measured the two seconds that ran: " + requests);
        long outcomes = ((Map<?, ?>) result.get("outcomes")).values().stream().mapToLong(v -> (Long) v).sum();
        assertEquals(requests, outcomes);
        assertTrue(((Double) result.get("elapsed_s")) < 10, "stopped at the signal, not after 60 s");
        Processes.awaitGone(server, 5);
    }

    /** Whether {@code env --default-signal=INT} works here (GNU coreutils 8.31 or later). */
    private static boolean gnuEnvRestoresSignals() throws InterruptedException {
        try {
            Process p = new ProcessBuilder("env", "--default-signal=INT", "true").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        }
    }

    /** Whether this JVM (and so the commands it starts) has SIGINT ignored: bit 2 of SigIgn in /proc/self/status. */
    private static boolean sigintIgnored() throws IOException {
        Path status = Path.of("/proc/self/status");
        if (!Files.exists(status)) {
            return false;
        }
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith("SigIgn:")) {
                return (Long.parseUnsignedLong(line.substring(7).trim(), 16) & (1L << 1)) != 0;
            }
        }
        return false;
    }

    @Test
    void aCommandKilledWithSigkillLeavesNoServerBehind() throws Exception {
        Run run = Run.start("--duration=60s", "--keys=100", "--no-progress");
        long server = run.awaitServer();
        assertTrue(Processes.running(server));
        run.process().destroyForcibly();
        assertTrue(run.process().waitFor(10, TimeUnit.SECONDS));
        Processes.awaitGone(server, 15);
    }
}
