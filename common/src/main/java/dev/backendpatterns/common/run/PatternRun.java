package dev.backendpatterns.common.run;

import dev.backendpatterns.common.chart.RunChart;
import dev.backendpatterns.common.cli.OutputOptions;
import dev.backendpatterns.common.cli.UriCredentials;
import dev.backendpatterns.common.load.StopSignal;
import dev.backendpatterns.common.report.HeapPeak;
import dev.backendpatterns.common.report.MemoryReport;
import dev.backendpatterns.common.report.ResultJson;
import dev.backendpatterns.common.report.RunResult;
import dev.backendpatterns.common.report.RunSummary;
import dev.backendpatterns.common.report.ServerMemory;
import dev.backendpatterns.common.report.BackendReport;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;

/**
 * The skeleton every pattern command runs in, so that a command holds only its pattern: it handles Ctrl-C, follows the
 * client's peak heap, gives the pattern a {@link RunContext} (backends, load runner, stop signal), then prints the
 * summary, writes the JSON, the percentile distribution and the chart, closes the backends (stopping the embedded
 * servers) and returns the exit code.
 *
 * <p>Exit codes: 0 done; 3 done, but requests failed or timed out, or the pattern found a problem (it says which);
 * 128 + the signal's number (130 for Ctrl-C, 143 for SIGTERM) when stopped early, after reporting what ran. Bad input
 * (2) and failures (1) come from the exceptions {@code CommandRunner} maps.
 */
public final class PatternRun {
    /** Exit code of a run that finished but had failed requests or a problem. */
    public static final int RUN_FAILED = 3;

    private PatternRun() {
    }

    /** The pattern's run, given its context. */
    @FunctionalInterface
    public interface Body {
        PatternResult run(RunContext context) throws Exception;
    }

    public static int execute(String pattern, List<String> commandLine, OutputOptions output, Body body) throws Exception {
        return execute(pattern, commandLine, output, System.out, System.err, body);
    }

    static int execute(String pattern, List<String> commandLine, OutputOptions output, PrintStream out, PrintStream err,
            Body body) throws Exception {
        StopSignal stop = new StopSignal();
        try (InterruptHandler interrupts = InterruptHandler.install(stop, err); HeapPeak heap = new HeapPeak()) {
            RunContext context = new RunContext(output, stop, out, err);
            RunResult result;
            try {
                PatternResult produced = body.run(context);
                List<BackendReport> backends = context.reports();
                ServerMemory before = backends.stream().map(BackendReport::memoryBefore).reduce(ServerMemory.NONE, ServerMemory::plus);
                ServerMemory after = backends.stream().map(BackendReport::memoryAfter).reduce(ServerMemory.NONE, ServerMemory::plus);
                result = RunResult.of(pattern, commandLine.stream().map(UriCredentials::hide).toList(), produced.parameters(), backends, produced.measurement(),
                        new MemoryReport(before, after, heap.peakBytes()), produced.figures(), produced.histograms());
                RunSummary.print(result, out);
                produced.problems().forEach(p -> out.println("  PROBLEM      " + p));
                write(result, output, err);
                if (interrupts.exitCode() != 0) {
                    return interrupts.exitCode();
                }
                return produced.measurement().failed() > 0 || !produced.problems().isEmpty() ? RUN_FAILED : 0;
            } catch (RunInterruptedException e) {
                err.println(pattern + ": " + e.getMessage() + " before the run started: nothing to report");
                return interrupts.exitCode() != 0 ? interrupts.exitCode() : 130;
            } finally {
                context.closeAll();
            }
        }
    }

    private static void write(RunResult result, OutputOptions output, PrintStream err) {
        if (output.json() != null) {
            ResultJson.write(output.json(), result);
        }
        if (output.hgrm() != null) {
            try (PrintStream hgrm = new PrintStream(Files.newOutputStream(output.hgrm()), false, StandardCharsets.UTF_8)) {
                result.latencyHistogram().outputPercentileDistribution(hgrm, 1.0);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + output.hgrm() + ": " + e.getMessage(), e);
            }
        }
        if (output.chart() != null) {
            RunChart.write(result, output.chart());
            err.println("chart written to " + output.chart());
        }
    }
}
