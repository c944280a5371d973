package dev.backendpatterns.common.results;

import dev.backendpatterns.common.report.ResultJson;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A result file read as a tree of maps and lists, with paths such as {@code backends.0.mode} or
 * {@code latency_us.p99}. Results of schema 1 are read in the shape of schema 2: their {@code backend} becomes the
 * one entry of {@code backends}, carrying the server memory before and after the run.
 */
final class ResultTree {
    private ResultTree() {
    }

    static Map<String, Object> read(Path file) {
        return upgrade(ResultJson.readTree(file));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> upgrade(Map<String, Object> doc) {
        if (!(doc.get("schema_version") instanceof Number n) || n.intValue() != 1 || !(doc.get("backend") instanceof Map)) {
            return doc;
        }
        Map<String, Object> upgraded = new LinkedHashMap<>(doc);
        Map<String, Object> backend = new LinkedHashMap<>((Map<String, Object>) doc.get("backend"));
        if (doc.get("memory") instanceof Map<?, ?> memory) {
            backend.put("memory_before", memory.get("server_before"));
            backend.put("memory_after", memory.get("server_after"));
        }
        upgraded.put("backends", List.of(backend));
        upgraded.put("complete", doc.get("aborted") == null);
        upgraded.put("stop_reason", doc.get("aborted"));
        return upgraded;
    }

    /** The value at a dotted path; list elements by their index; null when absent. */
    static Object get(Map<String, Object> tree, String path) {
        Object value = tree;
        for (String part : path.split("\\.")) {
            if (value instanceof Map<?, ?> m) {
                value = m.get(part);
            } else if (value instanceof List<?> list && part.matches("\\d+")) {
                int i = Integer.parseInt(part);
                value = i < list.size() ? list.get(i) : null;
            } else {
                return null;
            }
        }
        return value;
    }

    /** The values of the {@code +}-separated paths, as a list (a row's group, a chart's series). */
    static List<Object> values(Map<String, Object> tree, String paths) {
        List<Object> values = new ArrayList<>();
        for (String path : paths.split("\\+")) {
            values.add(get(tree, path));
        }
        return values;
    }

    /** The values of {@code paths} joined with spaces, for a label. */
    static String label(Map<String, Object> tree, String paths) {
        StringBuilder label = new StringBuilder();
        for (Object value : values(tree, paths)) {
            if (value != null) {
                label.append(label.length() == 0 ? "" : " ").append(value);
            }
        }
        return label.toString();
    }
}
