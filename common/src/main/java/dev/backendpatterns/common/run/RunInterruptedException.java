package dev.backendpatterns.common.run;

/** The user stopped the command (Ctrl-C) before it measured anything: there is nothing to report. */
public final class RunInterruptedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public RunInterruptedException(String reason) {
        super(reason);
    }
}
