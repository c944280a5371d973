package dev.backendpatterns.common.run;

import dev.backendpatterns.common.cli.OutputOptions;
import dev.backendpatterns.common.load.Gauge;
import dev.backendpatterns.common.load.LoadPlan;
import dev.backendpatterns.common.load.LoadRunner;
import dev.backendpatterns.common.load.Measurement;
import dev.backendpatterns.common.load.Operation;
import dev.backendpatterns.common.load.RunnerSettings;
import dev.backendpatterns.common.load.StopSignal;
import dev.backendpatterns.common.report.Backend;
import dev.backendpatterns.common.report.BackendInfo;
import dev.backendpatterns.common.report.BackendReport;
import dev.backendpatterns.common.report.ServerMemory;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What a pattern's run uses from {@link PatternRun}: its backends (registered here, described, measured before and
 * after the run, and closed at the end, last first), the load runner configured from the output options, the stop
 * signal of Ctrl-C, and the streams to write to.
 */
public final class RunContext {
    private final OutputOptions output;
    private final StopSignal stop;
    private final PrintStream out;
    private final PrintStream err;
    private final List<Registered> backends = new ArrayList<>();
    private boolean measured;

    private static final class Registered {
        final Backend backend;
        final BackendInfo info;
        final ServerMemory before;
        ServerMemory after;

        Registered(Backend backend, BackendInfo info, ServerMemory before) {
            this.backend = backend;
            this.info = info;
            this.before = before;
        }
    }

    RunContext(OutputOptions output, StopSignal stop, PrintStream out, PrintStream err) {
        this.output = output;
        this.stop = stop;
        this.out = out;
        this.err = err;
    }

    /**
     * Registers a backend the run just opened: it is described, its memory read, and it is closed when the command
     * ends. Throws {@link RunInterruptedException} if the user already asked to stop.
     */
    public <B extends Backend> B use(B backend) {
        Registered registered;
        try {
            registered = new Registered(backend, backend.describe(), memoryOf(backend));
        } catch (RuntimeException e) {
            backend.close();
            throw e;
        }
        backends.add(registered);
        if (stop.stopped()) {
            throw new RunInterruptedException(stop.reason());
        }
        return backend;
    }

    /** A load runner with this request timeout, the run's interval, progress line, stop signal and interval log. */
    public LoadRunner runner(Duration requestTimeout, List<Gauge> gauges) {
        return new LoadRunner(settings(requestTimeout, gauges));
    }

    /** The settings {@link #runner} uses, for a pattern that changes one of them (latency by outcome, say). */
    public RunnerSettings settings(Duration requestTimeout, List<Gauge> gauges) {
        return new RunnerSettings(requestTimeout, output.interval(), output.progress() ? err : null, stop, output.hlog(), gauges,
                false);
    }

    /** Runs {@code plan} (warm-up first) and reads every backend's memory right after. */
    public Measurement run(LoadRunner runner, Operation warmup, Operation measuredOp, LoadPlan plan) {
        Measurement m = runner.run(warmup, measuredOp, plan);
        measured();
        return m;
    }

    /** Marks the end of the measured part: every backend's memory is read now (the last call wins). */
    public void measured() {
        for (Registered r : backends) {
            r.after = memoryOf(r.backend);
        }
        measured = true;
    }

    private ServerMemory memoryOf(Backend backend) {
        try {
            return backend.memory();
        } catch (RuntimeException e) {
            err.println("cannot read the memory of " + backend.getClass().getSimpleName() + ": " + e.getMessage());
            return ServerMemory.NONE;
        }
    }

    public StopSignal stop() {
        return stop;
    }

    public boolean verbose() {
        return output.verbose();
    }

    public OutputOptions output() {
        return output;
    }

    public PrintStream out() {
        return out;
    }

    public PrintStream err() {
        return err;
    }

    List<BackendReport> reports() {
        if (!measured) {
            measured();
        }
        List<BackendReport> reports = new ArrayList<>();
        for (Registered r : backends) {
            reports.add(BackendReport.of(r.info, r.before, r.after));
        }
        return reports;
    }

    /** Closes every backend, the last registered first; a failure to close one does not keep the others open. */
    void closeAll() {
        for (int i = backends.size() - 1; i >= 0; i--) {
            try {
                backends.get(i).backend.close();
            } catch (RuntimeException e) {
                err.println("error while closing " + backends.get(i).info.kind() + ": " + e.getMessage());
            }
        }
        backends.clear();
    }
}
