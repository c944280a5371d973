package dev.backendpatterns.pubsub;

import java.io.PrintStream;
import java.util.concurrent.TimeUnit;

/**
 * A view drawn every period on its own thread while a run goes on: on a terminal the whole page, redrawn in place;
 * otherwise (or with {@code --no-ui}) one plain line per period, so that a log stays readable.
 */
public final class LiveScreen implements AutoCloseable {
    private static final String CLEAR = "\033[H\033[2J";

    /** What a screen shows, {@code seconds} into the run. */
    public interface View {
        /** The whole page, for a terminal. */
        String page(double seconds);

        /** One line, for a log. */
        String line(double seconds);
    }

    private final View view;
    private final PrintStream out;
    private final boolean redraw;
    private final long periodMillis;
    private final Thread thread;
    private final long start = System.nanoTime();

    /** Starts drawing {@code view} on {@code out} every {@code periodMillis} (at least 100). */
    public LiveScreen(String name, View view, PrintStream out, boolean redraw, long periodMillis) {
        this.view = view;
        this.out = out;
        this.redraw = redraw;
        this.periodMillis = Math.max(100, periodMillis);
        this.thread = new Thread(this::loop, name);
        this.thread.setDaemon(true);
        this.thread.start();
    }

    private void loop() {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                TimeUnit.MILLISECONDS.sleep(periodMillis);
                double seconds = (System.nanoTime() - start) / 1e9;
                if (redraw) {
                    out.print(CLEAR + view.page(seconds));
                } else {
                    out.println(view.line(seconds));
                }
                out.flush();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        thread.interrupt();
        try {
            thread.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
