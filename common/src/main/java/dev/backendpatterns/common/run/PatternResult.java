package dev.backendpatterns.common.run;

import dev.backendpatterns.common.load.Measurement;
import dev.backendpatterns.common.report.Parameters;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * What a pattern's run hands back to {@link PatternRun}: its parameters, the measurement, its own figures (under the
 * names the JSON uses), extra histograms to keep whole (a messaging run's publish and end-to-end latency), and the
 * problems that make the run a failure although it finished (messages lost where none may be, an invariant broken).
 */
public record PatternResult(Parameters parameters, Measurement measurement, Map<String, Object> figures,
        Map<String, Histogram> histograms, List<String> problems) {

    public PatternResult {
        if (parameters == null || measurement == null) {
            throw new IllegalArgumentException("a result needs parameters and a measurement");
        }
        figures = figures == null ? Map.of() : new LinkedHashMap<>(figures);
        histograms = histograms == null ? Map.of() : new LinkedHashMap<>(histograms);
        problems = problems == null ? List.of() : List.copyOf(problems);
    }

    public static PatternResult of(Parameters parameters, Measurement measurement, Map<String, Object> figures) {
        return new PatternResult(parameters, measurement, figures, Map.of(), List.of());
    }
}
