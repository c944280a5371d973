package dev.backendpatterns.common.results;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns result JSON files into a Markdown table and puts it into the README between
 * {@code <!-- BEGIN name -->} and {@code <!-- END name -->}, so that the README's figures are regenerated, never
 * typed. Columns are {@code Header=json.path[:format]}, format {@code n} (integer with separators; {@code n0}: absent = 0), {@code mib}
 * (bytes as MiB), {@code ms} (microseconds as milliseconds), {@code s} (seconds), {@code pct} (a fraction as a percentage, 4 digits), {@code g} (3 significant
 * digits) or none (as is). With {@code --baseline path=value} and {@code --group-by
 * path[+path...]}, a column gives each row's throughput as a multiple of its group's baseline row ({@code
 * path=value@metric}: another figure than {@code throughput_per_s}). With {@code --rows
 * path}, each file's list at that path gives the rows instead of the file itself.
 *
 * <pre>scripts/results.sh table --readme README.md --section NAME
 *     --columns "Mode=backends.0.mode,Algorithm=parameters.algorithm,Throughput/s=throughput_per_s:n" results/*.json</pre>
 */
final class ResultsTable {
    private ResultsTable() {
    }

    /** The Markdown table of {@code results}, one row each, in the given order. */
    static String table(List<Map<String, Object>> results, String columns, String baseline, String groupBy) {
        List<String[]> specs = new ArrayList<>();
        for (String column : columns.split(",")) {
            String[] headerAndPath = column.split("=", 2);
            if (headerAndPath.length != 2) {
                throw new IllegalArgumentException("column '" + column + "' is not Header=path[:format]");
            }
            String[] pathAndFormat = headerAndPath[1].split(":", 2);
            specs.add(new String[] {headerAndPath[0].trim(), pathAndFormat[0].trim(), pathAndFormat.length > 1 ? pathAndFormat[1] : ""});
        }
        Map<Object, Double> baselines = new LinkedHashMap<>();
        String baselinePath = null;
        String baselineValue = null;
        String metric = "throughput_per_s";
        if (baseline != null) {
            String[] kv = baseline.split("=", 2);
            baselinePath = kv[0];
            baselineValue = kv[1];
            int at = baselineValue.indexOf('@');
            if (at >= 0) {
                metric = baselineValue.substring(at + 1);
                baselineValue = baselineValue.substring(0, at);
            }
            for (Map<String, Object> r : results) {
                if (baselineValue.equals(String.valueOf(ResultTree.get(r, baselinePath)))) {
                    baselines.put(ResultTree.values(r, groupBy), number(r, metric));
                }
            }
        }
        StringBuilder out = new StringBuilder();
        out.append('|');
        specs.forEach(s -> out.append(' ').append(s[0]).append(" |"));
        if (baseline != null) {
            out.append(" vs ").append(baselineValue).append(" |");
        }
        out.append("\n|");
        specs.forEach(s -> out.append(s[2].isEmpty() ? "---|" : "---:|"));
        if (baseline != null) {
            out.append("---:|");
        }
        out.append('\n');
        for (Map<String, Object> r : results) {
            out.append('|');
            for (String[] s : specs) {
                out.append(' ').append(format(ResultTree.get(r, s[1]), s[2])).append(" |");
            }
            if (baseline != null) {
                Double base = baselines.get(ResultTree.values(r, groupBy));
                Double mine = number(r, metric);
                out.append(' ').append(base == null || mine == null ? "" : String.format(Locale.ROOT, "%.2fx", mine / base)).append(" |");
            }
            out.append('\n');
        }
        return out.toString();
    }

    private static Double number(Map<String, Object> result, String path) {
        return ResultTree.get(result, path) instanceof Number n ? n.doubleValue() : null;
    }

    static String replaceSection(String document, String section, String content) {
        String begin = "<!-- BEGIN " + section + " -->";
        String end = "<!-- END " + section + " -->";
        int from = document.indexOf(begin);
        int to = document.indexOf(end);
        if (from < 0 || to < from) {
            throw new IllegalArgumentException("no '" + begin + "' ... '" + end + "' section in the document");
        }
        return document.substring(0, from + begin.length()) + "\n" + content + document.substring(to);
    }

    private static String format(Object value, String format) {
        if (value == null) {
            return format.equals("n0") ? "0" : "";
        }
        return switch (format) {
            case "n", "n0" -> String.format(Locale.ROOT, "%,d", Math.round(((Number) value).doubleValue()));
            case "mib" -> String.format(Locale.ROOT, "%.1f", ((Number) value).doubleValue() / (1024 * 1024));
            case "ms" -> String.format(Locale.ROOT, "%,.1f", ((Number) value).doubleValue() / 1000);
            case "s" -> String.format(Locale.ROOT, "%.1f", ((Number) value).doubleValue());
            case "pct" -> String.format(Locale.ROOT, "%.4g%%", 100 * ((Number) value).doubleValue());
            case "g" -> String.format(Locale.ROOT, "%.3g", ((Number) value).doubleValue());
            default -> String.valueOf(value);
        };
    }
}
