package dev.backendpatterns.common.server;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Makes sure no embedded server outlives the JVM that started it, however that JVM ends (SIGKILL, a crash, an OOM
 * kill), when no shutdown hook runs. One small shell process per JVM reads, on its standard input, the process ids to
 * guard ({@code +pid}) and release ({@code -pid}); when that input closes, which the kernel does when this JVM dies, it
 * stops every process still guarded: SIGTERM, then SIGKILL after 10 s. A normal exit releases each server as it stops
 * it first, so the watchdog then has nothing to do.
 *
 * <p>Only on systems with {@code /bin/sh}; elsewhere the shutdown hook of {@link ServerProcesses} is the only guard.
 */
final class OrphanWatchdog {
    private static final String SCRIPT = String.join("\n",
            "trap '' INT HUP",
            "pids=' '",
            "while IFS= read -r line; do",
            "  case \"$line\" in",
            "    +*) pids=\"$pids${line#+} \" ;;",
            "    -*) pids=$(printf '%s' \"$pids\" | sed \"s/ ${line#-} / /g\") ;;",
            "  esac",
            "done",
            "alive() { s=$(ps -o stat= -p \"$1\" 2>/dev/null); case \"$s\" in ''|Z*) return 1 ;; *) return 0 ;; esac; }",
            "set -- $pids",
            "[ $# -eq 0 ] && exit 0",
            "kill -TERM \"$@\" 2>/dev/null",
            "i=0",
            "while [ $i -lt 100 ]; do",
            "  left=''",
            "  for p in \"$@\"; do alive \"$p\" && left=\"$left $p\"; done",
            "  [ -z \"$left\" ] && exit 0",
            "  sleep 0.1",
            "  i=$((i + 1))",
            "done",
            "kill -KILL $left 2>/dev/null",
            "");

    private final Process process;
    private final OutputStream commands;

    private OrphanWatchdog(Process process) {
        this.process = process;
        this.commands = process.getOutputStream();
    }

    /** Starts the watchdog, or returns null where there is no {@code /bin/sh}. */
    static OrphanWatchdog start() {
        if (!Files.isExecutable(Path.of("/bin/sh"))) {
            return null;
        }
        List<String> command = new ArrayList<>(ServerProcesses.ownSession());
        command.addAll(List.of("/bin/sh", "-c", SCRIPT));
        try {
            Process p = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            return new OrphanWatchdog(p);
        } catch (IOException e) {
            return null;
        }
    }

    synchronized void guard(long pid) {
        send("+" + pid);
    }

    synchronized void release(long pid) {
        send("-" + pid);
    }

    private void send(String line) {
        try {
            commands.write((line + "\n").getBytes(StandardCharsets.US_ASCII));
            commands.flush();
        } catch (IOException e) {
            // the watchdog is gone: the shutdown hook remains the guard
        }
    }

    /** Ends the watchdog: what it still guards is stopped, as if this JVM had died. */
    synchronized void close() {
        try {
            commands.close();
        } catch (IOException e) {
            process.destroy();
        }
    }
}
