package dev.backendpatterns.common.results;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResultsTableTest {
    private static Map<String, Object> result(String mode, String algorithm, double throughput, long bytes) {
        return Map.of("schema_version", 2, "backends", List.of(Map.of("mode", mode, "memory_after", Map.of("rss_bytes", bytes))),
                "parameters", Map.of("algorithm", algorithm), "throughput_per_s", throughput);
    }

    @Test
    void buildsATableWithRatiosToTheBaselineOfEachGroup() {
        String table = ResultsTable.table(List.of(
                result("standalone", "noop", 200_000.4, 4 * 1024 * 1024),
                result("standalone", "token_bucket", 100_000, 5 * 1024 * 1024),
                result("cluster", "noop", 50_000, 0),
                result("cluster", "token_bucket", 75_000, 0)),
                "Mode=backends.0.mode,Algorithm=parameters.algorithm,Throughput/s=throughput_per_s:n,RSS MiB=backends.0.memory_after.rss_bytes:mib",
                "parameters.algorithm=noop", "backends.0.mode");
        assertEquals("""
                | Mode | Algorithm | Throughput/s | RSS MiB | vs noop |
                |---|---|---:|---:|---:|
                | standalone | noop | 200,000 | 4.0 | 1.00x |
                | standalone | token_bucket | 100,000 | 5.0 | 0.50x |
                | cluster | noop | 50,000 | 0.0 | 1.00x |
                | cluster | token_bucket | 75,000 | 0.0 | 1.50x |
                """, table);
    }

    @Test
    void aBaselineMayCompareAnotherFigure() {
        Map<String, Object> ceiling = Map.of("pattern", "ceiling", "parameters", Map.of("broker", "redis"), "published_per_s", 400_000);
        Map<String, Object> ours = Map.of("pattern", "dashboard", "parameters", Map.of("broker", "redis"), "published_per_s", 300_000,
                "throughput_per_s", 1);
        Map<String, Object> other = Map.of("pattern", "dashboard", "parameters", Map.of("broker", "kafka"), "published_per_s", 9);
        assertEquals("""
                | Pattern | Published/s | vs ceiling |
                |---|---:|---:|
                | ceiling | 400,000 | 1.00x |
                | dashboard | 300,000 | 0.75x |
                | dashboard | 9 |  |
                """, ResultsTable.table(List.of(ceiling, ours, other), "Pattern=pattern,Published/s=published_per_s:n",
                "pattern=ceiling@published_per_s", "parameters.broker"));
    }

    @Test
    void resultsOfSchema1ReadAsSchema2() {
        Map<String, Object> v1 = Map.of("schema_version", 1, "backend", Map.of("mode", "cluster", "kind", "redis"),
                "memory", Map.of("server_after", Map.of("rss_bytes", 2 * 1024 * 1024)), "aborted", "server gone",
                "parameters", Map.of("algorithm", "gcra"), "throughput_per_s", 10.0);
        Map<String, Object> upgraded = ResultTree.upgrade(v1);
        assertEquals("cluster", ResultTree.get(upgraded, "backends.0.mode"));
        assertEquals(false, upgraded.get("complete"));
        assertEquals("| cluster | gcra | 2.0 |\n", ResultsTable.table(List.of(upgraded),
                "Mode=backends.0.mode,Algorithm=parameters.algorithm,RSS=backends.0.memory_after.rss_bytes:mib", null, "pattern")
                .lines().skip(2).findFirst().orElseThrow() + "\n");
    }

    @Test
    void replacesOnlyTheNamedSection() {
        String doc = "intro\n<!-- BEGIN t -->\nold\n<!-- END t -->\nrest\n";
        assertEquals("intro\n<!-- BEGIN t -->\nnew\n<!-- END t -->\nrest\n", ResultsTable.replaceSection(doc, "t", "new\n"));
        assertThrows(IllegalArgumentException.class, () -> ResultsTable.replaceSection(doc, "missing", "x"));
    }
}
