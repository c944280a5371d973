package dev.backendpatterns.common.run;

import dev.backendpatterns.common.load.StopSignal;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Ctrl-C (SIGINT) and SIGTERM during a command: the first one asks the run to stop ({@link StopSignal}), so that the
 * command stops sending, reports what it measured as incomplete, stops its embedded servers and exits with 128 + the
 * signal's number; a second one exits at once (the shutdown hook still stops the servers).
 *
 * <p>It uses {@code sun.misc.Signal} (module jdk.unsupported, the supported way to handle a signal without starting
 * the JVM's shutdown): a shutdown hook could not do this, as hooks run concurrently and one of them stops the servers
 * while the run is still draining. A signal ignored when the JVM started (a background job of a script) stays ignored.
 */
final class InterruptHandler implements AutoCloseable {
    private final Map<Signal, SignalHandler> previous = new LinkedHashMap<>();
    private volatile int exitCode;

    private InterruptHandler() {
    }

    static InterruptHandler install(StopSignal stop, PrintStream err) {
        InterruptHandler handler = new InterruptHandler();
        for (String name : new String[] {"INT", "TERM"}) {
            Signal signal = new Signal(name);
            try {
                handler.previous.put(signal, Signal.handle(signal, s -> handler.onSignal(s, stop, err)));
            } catch (IllegalArgumentException e) {
                // not available on this platform, or reserved by the JVM: the default behaviour stays
            }
        }
        return handler;
    }

    private void onSignal(Signal signal, StopSignal stop, PrintStream err) {
        int code = 128 + signal.getNumber();
        if (exitCode != 0) {
            err.println();
            err.println("stopping at once");
            System.exit(code);
        }
        exitCode = code;
        stop.stop("interrupted by SIG" + signal.getName());
        err.println();
        err.println("stopping: finishing the requests in flight, then reporting what ran (press Ctrl-C again to quit at once)");
    }

    /** 128 + the number of the signal received, or 0 if none was. */
    int exitCode() {
        return exitCode;
    }

    @Override
    public void close() {
        previous.forEach((signal, handler) -> {
            try {
                Signal.handle(signal, handler);
            } catch (IllegalArgumentException e) {
                // leave it
            }
        });
    }
}
