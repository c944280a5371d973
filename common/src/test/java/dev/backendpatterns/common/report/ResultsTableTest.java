package dev.backendpatterns.common.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResultsTableTest {
    private static Map<String, Object> result(String mode, String algorithm, double throughput, long bytes) {
        return Map.of("backend", Map.of("mode", mode), "parameters", Map.of("algorithm", algorithm),
                "throughput_per_s", throughput, "memory", Map.of("rss", bytes));
    }

    @Test
    void buildsATableWithRatiosToTheBaselineOfEachGroup() {
        String table = ResultsTable.table(List.of(
                result("standalone", "noop", 200_000.4, 4 * 1024 * 1024),
                result("standalone", "token_bucket", 100_000, 5 * 1024 * 1024),
                result("cluster", "noop", 50_000, 0),
                result("cluster", "token_bucket", 75_000, 0)),
                "Mode=backend.mode,Algorithm=parameters.algorithm,Throughput/s=throughput_per_s:n,RSS MiB=memory.rss:mib",
                "parameters.algorithm=noop", "backend.mode");
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
    void replacesOnlyTheNamedSection() {
        String doc = "intro\n<!-- BEGIN t -->\nold\n<!-- END t -->\nrest\n";
        assertEquals("intro\n<!-- BEGIN t -->\nnew\n<!-- END t -->\nrest\n", ResultsTable.replaceSection(doc, "t", "new\n"));
        assertThrows(IllegalArgumentException.class, () -> ResultsTable.replaceSection(doc, "missing", "x"));
    }
}
