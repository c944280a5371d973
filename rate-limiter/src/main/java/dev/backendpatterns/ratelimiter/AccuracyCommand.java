package dev.backendpatterns.ratelimiter;

import dev.backendpatterns.common.cli.RedisEndpointOptions;
import dev.backendpatterns.common.cli.ServerOptions;
import dev.backendpatterns.common.redis.RedisConnection;
import dev.backendpatterns.common.redis.RedisTarget;
import dev.backendpatterns.common.cli.UsageException;
import dev.backendpatterns.common.report.BackendReport;
import dev.backendpatterns.common.report.Machine;
import dev.backendpatterns.common.report.ResultJson;
import dev.backendpatterns.common.report.RunResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code rate-limiter accuracy}: how far each algorithm can exceed "threshold per window". */
@Command(name = "accuracy", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Replays arrival patterns (twice the limit's rate) through each algorithm's script on Redis, at explicit "
                    + "times, and reports the most requests admitted in any window of --ttlms against --threshold.",
            "Bucket algorithms are configured as a bucket of --threshold refilled at --threshold per --ttlms."})
final class AccuracyCommand implements Callable<Integer> {

    @Option(names = {"--algorithm", "-algorithm"}, split = ",", paramLabel = "NAME",
            description = "Algorithms to analyse (default: the five Lua algorithms).")
    List<String> algorithms;

    @Option(names = "--pattern", split = ",", paramLabel = "NAME",
            description = "boundary-burst, uniform, poisson (default: all three).")
    List<String> patterns;

    @Option(names = {"--threshold", "-threshold"}, defaultValue = "100", paramLabel = "N",
            description = "Requests per window (default: ${DEFAULT-VALUE}).")
    long threshold;

    @Option(names = {"--ttlms", "-ttlms"}, defaultValue = "1000", paramLabel = "MS",
            description = "Window length in ms (default: ${DEFAULT-VALUE}).")
    long ttlms;

    @Option(names = "--windows", defaultValue = "20", paramLabel = "N",
            description = "Windows each pattern covers (default: ${DEFAULT-VALUE}).")
    int windows;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "N", description = "Seed of the Poisson pattern (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--json", paramLabel = "FILE", description = "Write the results as JSON to FILE.")
    Path json;

    @Mixin
    RedisEndpointOptions endpoint;

    @Mixin
    ServerOptions servers;

    @Override
    public Integer call() {
        if (threshold < 1 || ttlms < 1 || windows < 2) {
            throw new UsageException("--threshold and --ttlms must be at least 1 and --windows at least 2");
        }
        if (threshold * windows * 2 > 10_000_000) {
            throw new UsageException("--threshold x --windows x 2 arrivals must stay under 10,000,000");
        }
        List<Algorithm> chosen = new ArrayList<>();
        if (algorithms == null) {
            chosen.addAll(List.of(Algorithm.TOKEN_BUCKET, Algorithm.GCRA, Algorithm.SLIDING_WINDOW_LOG,
                    Algorithm.SLIDING_WINDOW_COUNTER, Algorithm.FIXED_WINDOW));
        } else {
            for (String name : algorithms) {
                Algorithm a = UsageException.fromFlags(() -> Algorithm.parse(name));
                if (!a.scripted() || a == Algorithm.NOOP) {
                    throw new UsageException("accuracy is measured for the Lua algorithms only, not " + a);
                }
                chosen.add(a);
            }
        }
        List<ArrivalPattern> chosenPatterns = new ArrayList<>();
        if (patterns == null) {
            chosenPatterns.addAll(List.of(ArrivalPattern.values()));
        } else {
            for (String name : patterns) {
                chosenPatterns.add(UsageException.fromFlags(() -> ArrivalPattern.parse(name)));
            }
        }
        String tag = Long.toString(ThreadLocalRandom.current().nextLong() >>> 24, 36);
        List<AccuracyAnalysis.Result> results = new ArrayList<>();
        try (RedisTarget target = RedisTarget.open(endpoint, servers, System.err)) {
            RedisConnection connection = target.connect().batchWrites();
            AccuracyAnalysis analysis = new AccuracyAnalysis(connection, tag);
            System.out.printf(Locale.ROOT, "accuracy: %,d per %,d ms, %d windows, arrivals at twice the limit%n", threshold, ttlms, windows);
            System.out.printf(Locale.ROOT, "%-24s %-15s %10s %10s %14s %10s%n", "algorithm", "pattern", "arrivals", "admitted",
                    "max in window", "overshoot");
            for (ArrivalPattern pattern : chosenPatterns) {
                for (Algorithm algorithm : chosen) {
                    AccuracyAnalysis.Result r = analysis.run(algorithm, pattern, threshold, ttlms, windows, seed);
                    results.add(r);
                    System.out.printf(Locale.ROOT, "%-24s %-15s %,10d %,10d %,14d %9.2fx%n", algorithm.id(), pattern.id(),
                            r.arrivals(), r.admitted(), r.maxInAnyWindow(), r.overshoot());
                }
            }
            if (json != null) {
                Map<String, Object> parameters = new LinkedHashMap<>();
                parameters.put("threshold", threshold);
                parameters.put("ttlms", ttlms);
                parameters.put("windows", windows);
                parameters.put("seed", seed);
                ResultJson.write(json, new AccuracyResult(RunResult.SCHEMA_VERSION, "rate-limiter-accuracy", parameters,
                        List.of(BackendReport.of(target.describe(), null, null)),
                        results.stream().map(AccuracyAnalysis.Result::toMap).toList(), Machine.current()));
            }
        }
        return 0;
    }

    /** The JSON of an accuracy analysis: one row per algorithm and arrival pattern. */
    record AccuracyResult(int schemaVersion, String pattern, Map<String, Object> parameters, List<BackendReport> backends,
            List<Map<String, Object>> results, Machine machine) {
    }
}
