package dev.backendpatterns.common.results;

import dev.backendpatterns.common.cli.UsageException;
import dev.backendpatterns.common.report.HistogramCodec;
import dev.backendpatterns.common.report.LatencySummary;
import dev.backendpatterns.common.report.ResultJson;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.HdrHistogram.Histogram;

/**
 * Combines the results of one workload run at the same time from several client machines against one cluster into
 * one result: requests, outcomes, errors and the pattern's counts are summed, throughputs added, histograms added (so
 * the percentiles are exact, not averaged), the time series added interval by interval (interval percentiles cannot be
 * added: only their maximum is kept), and each input listed under {@code merged_from}. Results whose pattern or
 * parameters differ (other than the seed) are refused: they are not one workload.
 */
final class ResultMerge {
    /** Fields merged by their own rule, not by the generic one for the pattern's figures. */
    private static final Set<String> OWN_RULE = Set.of("schema_version", "pattern", "command_line", "parameters", "backends",
            "complete", "stop_reason", "requests", "outcomes", "errors", "elapsed_s", "throughput_per_s", "latency_us",
            "dispatch_lag_us", "memory", "series", "histograms", "machine", "merged_from");
    /** Figures that summarise a histogram of the same name; recomputed from the added histograms. */
    private static final Map<String, String> SUMMARIES = Map.of("latency_us", "latency", "dispatch_lag_us", "dispatch_lag",
            "publish_latency_us", "publish_latency", "end_to_end_latency_us", "end_to_end_latency");

    private ResultMerge() {
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> merge(List<Map<String, Object>> results, List<String> names) {
        UsageException.require(results.size() >= 2, "merge needs at least two results");
        Map<String, Object> first = results.get(0);
        for (int i = 0; i < results.size(); i++) {
            Map<String, Object> r = results.get(i);
            UsageException.require(r.get("schema_version") instanceof Number n && n.intValue() >= 2,
                    names.get(i) + " is of schema " + r.get("schema_version") + ": only results of schema 2 carry their histograms");
            UsageException.require(Objects.equals(r.get("pattern"), first.get("pattern")),
                    names.get(i) + " is a " + r.get("pattern") + " result, " + names.get(0) + " a " + first.get("pattern") + " one");
            Map<String, Object> mine = withoutSeed((Map<String, Object>) r.get("parameters"));
            Map<String, Object> theirs = withoutSeed((Map<String, Object>) first.get("parameters"));
            for (String key : union(mine.keySet(), theirs.keySet())) {
                UsageException.require(Objects.equals(mine.get(key), theirs.get(key)), "not one workload: parameter " + key
                        + " is " + theirs.get(key) + " in " + names.get(0) + " but " + mine.get(key) + " in " + names.get(i));
            }
        }
        Map<String, Object> merged = new LinkedHashMap<>();
        merged.put("schema_version", first.get("schema_version"));
        merged.put("pattern", first.get("pattern"));
        merged.put("command_line", first.get("command_line"));
        merged.put("parameters", first.get("parameters"));
        merged.put("backends", first.get("backends"));
        boolean complete = results.stream().allMatch(r -> Boolean.TRUE.equals(r.get("complete")));
        merged.put("complete", complete);
        merged.put("stop_reason", results.stream().map(r -> r.get("stop_reason")).filter(Objects::nonNull).findFirst().orElse(null));
        merged.put("requests", sumLong(results, "requests"));
        merged.put("outcomes", sumMaps(results, "outcomes"));
        merged.put("errors", sumMaps(results, "errors"));
        merged.put("elapsed_s", results.stream().mapToDouble(r -> number(r.get("elapsed_s"))).max().orElse(0));
        merged.put("throughput_per_s", Math.round(results.stream().mapToDouble(r -> number(r.get("throughput_per_s"))).sum() * 10) / 10.0);
        Map<String, Histogram> histograms = addHistograms(results);
        for (Map.Entry<String, String> summary : SUMMARIES.entrySet()) {
            if (histograms.containsKey(summary.getValue())) {
                merged.put(summary.getKey(), ResultJson.mapper().convertValue(LatencySummary.of(histograms.get(summary.getValue())), Map.class));
            }
        }
        Map<String, Object> memory = new LinkedHashMap<>((Map<String, Object>) first.getOrDefault("memory", Map.of()));
        memory.put("client_heap_peak_bytes", results.stream().mapToLong(r -> (long) number(ResultTree.get(r, "memory.client_heap_peak_bytes"))).max().orElse(0));
        merged.put("memory", memory);
        for (String key : first.keySet()) {
            if (!OWN_RULE.contains(key) && !SUMMARIES.containsKey(key)) {
                merged.put(key, mergeValues(key, results.stream().map(r -> r.get(key)).toList()));
            }
        }
        merged.put("series", mergeSeries(results));
        Map<String, String> encoded = new LinkedHashMap<>();
        histograms.forEach((name, h) -> encoded.put(name, HistogramCodec.encode(h)));
        merged.put("histograms", encoded);
        merged.put("machine", first.get("machine"));
        List<Map<String, Object>> from = new ArrayList<>();
        for (int i = 0; i < results.size(); i++) {
            Map<String, Object> r = results.get(i);
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("file", names.get(i));
            entry.put("requests", r.get("requests"));
            entry.put("throughput_per_s", r.get("throughput_per_s"));
            entry.put("machine", r.get("machine"));
            from.add(entry);
        }
        merged.put("merged_from", from);
        return merged;
    }

    private static Map<String, Object> withoutSeed(Map<String, Object> parameters) {
        Map<String, Object> p = new TreeMap<>(parameters == null ? Map.of() : parameters);
        p.remove("seed");
        return p;
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new TreeSet<>(a);
        all.addAll(b);
        return all;
    }

    private static double number(Object value) {
        return value instanceof Number n ? n.doubleValue() : 0;
    }

    private static long sumLong(List<Map<String, Object>> results, String key) {
        return results.stream().mapToLong(r -> (long) number(r.get(key))).sum();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Long> sumMaps(List<Map<String, Object>> results, String key) {
        Map<String, Long> sum = new TreeMap<>();
        for (Map<String, Object> r : results) {
            ((Map<String, Object>) r.getOrDefault(key, Map.of())).forEach((k, v) -> sum.merge(k, (long) number(v), Long::sum));
        }
        return sum;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Histogram> addHistograms(List<Map<String, Object>> results) {
        Map<String, Histogram> sum = new LinkedHashMap<>();
        for (Map<String, Object> r : results) {
            ((Map<String, Object>) r.getOrDefault("histograms", Map.of())).forEach((name, text) -> {
                Histogram h = HistogramCodec.decode((String) text);
                sum.merge(name, h, (a, b) -> {
                    a.add(b);
                    return a;
                });
            });
        }
        return sum;
    }

    /**
     * Figures that do not add up across clients: ratios, rates other than per second, percentiles and other summaries
     * of a distribution, durations, sizes of one structure.
     */
    private static final Pattern NOT_ADDITIVE = Pattern.compile(
            "(^|_)(p\\d+|max|min|mean|avg|average|median|ratio|rate|pct|percent|fraction|share|factor|vs|us|ms|s|bits|bytes_per_key|"
                    + "positions|length|at|window|limit|interval|expected|formula)($|_)|_per_");

    /** Whether values named {@code key} are summed: counts and per-second rates are, anything in {@link #NOT_ADDITIVE} not. */
    static boolean additive(String key) {
        return key.endsWith("_per_s") || !NOT_ADDITIVE.matcher(key).find();
    }

    /**
     * Numbers are summed when {@code key} names a count or a per-second rate, otherwise kept if equal; maps are merged
     * key by key; anything else (and numbers that do not add up and differ) becomes the list of values.
     */
    @SuppressWarnings("unchecked")
    private static Object mergeValues(String key, List<Object> values) {
        if (values.stream().allMatch(v -> v instanceof Number) && additive(key)) {
            boolean integral = values.stream().allMatch(v -> v instanceof Integer || v instanceof Long);
            double sum = values.stream().mapToDouble(v -> ((Number) v).doubleValue()).sum();
            return integral ? (Object) (long) sum : (Object) sum;
        }
        if (values.stream().allMatch(v -> v instanceof Map)) {
            Map<String, Object> merged = new LinkedHashMap<>();
            Set<String> keys = new LinkedHashSet<>();
            values.forEach(v -> keys.addAll(((Map<String, Object>) v).keySet()));
            for (String inner : keys) {
                merged.put(inner, mergeValues(inner, values.stream().map(v -> ((Map<String, Object>) v).get(inner)).toList()));
            }
            return merged;
        }
        if (values.stream().distinct().count() == 1) {
            return values.get(0);
        }
        return values;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> mergeSeries(List<Map<String, Object>> results) {
        List<Map<String, Object>> merged = new ArrayList<>();
        for (Map<String, Object> r : results) {
            List<Map<String, Object>> series = (List<Map<String, Object>>) r.getOrDefault("series", List.of());
            for (int i = 0; i < series.size(); i++) {
                Map<String, Object> point = series.get(i);
                if (i == merged.size()) {
                    Map<String, Object> copy = new LinkedHashMap<>();
                    copy.put("t_s", point.get("t_s"));
                    copy.put("interval_s", point.get("interval_s"));
                    copy.put("completed", 0L);
                    copy.put("throughput_per_s", 0.0);
                    copy.put("outcomes", new TreeMap<String, Long>());
                    copy.put("errors", new TreeMap<String, Long>());
                    copy.put("latency_us", null);
                    copy.put("gauges", new LinkedHashMap<String, Object>());
                    merged.add(copy);
                }
                Map<String, Object> into = merged.get(i);
                into.put("completed", (long) number(into.get("completed")) + (long) number(point.get("completed")));
                into.put("throughput_per_s", number(into.get("throughput_per_s")) + number(point.get("throughput_per_s")));
                ((Map<String, Object>) point.getOrDefault("outcomes", Map.of())).forEach((k, v) ->
                        ((Map<String, Long>) into.get("outcomes")).merge(k, (long) number(v), Long::sum));
                ((Map<String, Object>) point.getOrDefault("errors", Map.of())).forEach((k, v) ->
                        ((Map<String, Long>) into.get("errors")).merge(k, (long) number(v), Long::sum));
                if (point.get("latency_us") instanceof Map<?, ?> latency && latency.get("max") instanceof Number max) {
                    long before = into.get("latency_us") instanceof Map<?, ?> l ? (long) number(l.get("max")) : 0;
                    Map<String, Object> l = new LinkedHashMap<>();
                    l.put("p50", null);
                    l.put("p99", null);
                    l.put("max", Math.max(before, max.longValue()));
                    into.put("latency_us", l);
                }
                ((Map<String, Object>) point.getOrDefault("gauges", Map.of())).forEach((k, v) ->
                        ((Map<String, Object>) into.get("gauges")).merge(k, v, (a, b) -> (long) number(a) + (long) number(b)));
            }
        }
        return merged;
    }

    static String toJson(Map<String, Object> merged) {
        return ResultJson.toJson(merged);
    }
}
