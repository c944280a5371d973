package dev.backendpatterns.common.report;

import dev.backendpatterns.common.load.LoadRunner;
import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;

/** The human summary of a {@link RunResult}: what ran, on what, how fast, how it ended, and memory. */
public final class RunSummary {
    private RunSummary() {
    }

    public static void print(RunResult r, PrintStream out) {
        StringJoiner on = new StringJoiner(" and ");
        r.backends().forEach(b -> on.add(b.endpoint() == null ? b.kind() : b.endpoint().contains(b.kind()) || b.endpoint().contains("Redis")
                ? b.endpoint() : b.kind() + " " + b.endpoint()));
        out.printf(Locale.ROOT, "%s on %s%n", r.pattern(), r.backends().isEmpty() ? "no server" : on);
        out.printf(Locale.ROOT, "  parameters   %s%n", r.parameters().commandLine());
        out.printf(Locale.ROOT, "  requests     %,d in %.3f s = %,.0f requests/s%n", r.requests(), r.elapsedS(), r.throughputPerS());
        StringBuilder outcomes = new StringBuilder();
        r.outcomes().forEach((name, count) -> outcomes.append(String.format(Locale.ROOT, "%s %,d (%.2f%%)  ", name, count,
                r.requests() == 0 ? 0.0 : 100.0 * count / r.requests())));
        out.printf(Locale.ROOT, "  outcomes     %s%n", outcomes.toString().trim());
        r.errors().forEach((kind, count) -> out.printf(Locale.ROOT, "  error        %,d x %s%n", count, kind));
        out.printf(Locale.ROOT, "  latency us   %s%n", latency(r.latencyUs()));
        if (r.dispatchLagUs() != null) {
            out.printf(Locale.ROOT, "  send lag us  %s  (how late the client sent against the schedule)%n", latency(r.dispatchLagUs()));
        }
        if (r.latencyUs().mean() != null && r.elapsedS() > 0) {
            double inFlight = r.throughputPerS() * r.latencyUs().mean() / 1e6;
            Object limit = r.parameters().get("semaphore");
            // in open loop latency runs from the intended time, so the product counts the requests not yet sent too
            out.printf(Locale.ROOT, "  in flight    %.1f on average (Little's law: throughput x mean latency%s)%s%n", inFlight,
                    r.dispatchLagUs() == null ? "" : " from the intended time, so including requests not yet sent",
                    limit == null ? "" : ", limit " + limit);
        }
        for (BackendReport b : r.backends()) {
            ServerMemory before = b.memoryBefore();
            ServerMemory after = b.memoryAfter();
            if (after == null || after.nodes() == 0) {
                continue;
            }
            StringBuilder line = new StringBuilder();
            if (after.usedBytes() != null && before != null && before.usedBytes() != null) {
                line.append("used ").append(mib(before.usedBytes())).append(" -> ").append(mib(after.usedBytes())).append(", ");
            }
            if (after.rssBytes() != null) {
                line.append("rss ").append(before == null || before.rssBytes() == null ? "" : mib(before.rssBytes()) + " -> ")
                        .append(mib(after.rssBytes()));
            }
            if (after.peakBytes() != null) {
                line.append(", peak ").append(mib(after.peakBytes()));
            }
            out.printf(Locale.ROOT, "  %-12s %s (%d node%s)%n", b.kind() + " mem", line, after.nodes(), after.nodes() == 1 ? "" : "s");
        }
        out.printf(Locale.ROOT, "  client heap  peak %s%n", mib(r.memory().clientHeapPeakBytes()));
        // a latency figure's name says its unit already (publish_latency_us): "publish latency us p50 ...", not "us us"
        r.figures().forEach((name, value) -> out.printf(Locale.ROOT, "  %-12s %s%n", name.replace('_', ' '), format(name, value)));
        if (!r.complete()) {
            out.printf(Locale.ROOT, "  INCOMPLETE   %s: the figures cover the part that ran%n", r.stopReason());
        }
        long failed = r.outcomes().getOrDefault(LoadRunner.ERROR, 0L) + r.outcomes().getOrDefault(LoadRunner.TIMEOUT, 0L);
        if (failed > 0) {
            out.printf(Locale.ROOT, "  WARNING      %,d requests failed or timed out: see the outcomes and errors above%n", failed);
        }
    }

    static String latency(LatencySummary l) {
        if (l == null || l.empty()) {
            return "none";
        }
        return String.format(Locale.ROOT, "p50 %,d  p90 %,d  p99 %,d  p99.9 %,d  max %,d", l.p50(), l.p90(), l.p99(), l.p999(), l.max());
    }

    /** A figure's value, after its name; a latency named with its unit (publish_latency_us) does not say it again. */
    private static String format(String name, Object value) {
        if (value == null) {
            return "not measured"; // a figure this run does not have (out of order, where order is not tracked)
        }
        if (value instanceof LatencySummary l) {
            return name.endsWith("_us") ? latency(l) : "us " + latency(l);
        }
        if (value instanceof Map<?, ?> map) {
            StringJoiner parts = new StringJoiner(", ");
            map.forEach((k, v) -> parts.add(k + " " + format(String.valueOf(k), v)));
            return map.isEmpty() ? "none" : parts.toString();
        }
        if (value instanceof Long || value instanceof Integer) {
            return String.format(Locale.ROOT, "%,d", ((Number) value).longValue());
        }
        if (value instanceof Double d) {
            return Math.abs(d) >= 1000 ? String.format(Locale.ROOT, "%,.0f", d) : String.format(Locale.ROOT, "%.4g", d);
        }
        return String.valueOf(value);
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024));
    }
}
