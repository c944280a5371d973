package dev.backendpatterns.applicationcache;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.backendpatterns.common.cli.CommandRunner;
import dev.backendpatterns.common.report.ResultJson;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The reference's -cluster flag: an embedded two-node Cassandra, keys spread over both, the same guarantees. */
class RFilterClusterIT {

    @Test
    void aTwoNodeStoreServesTheFilteredReads(@TempDir Path dir) {
        Path json = dir.resolve("cluster.json");
        int exit = CommandRunner.run(new CommandLine(new ApplicationCacheCommand()), "r_filter", "-cluster", "-algorithm=bloom_filter",
                "-requests=3000", "-semaphore=200", "-bits=100000", "-position=7", "--no-progress", "--json=" + json);
        assertEquals(0, exit);
        Map<String, Object> r = ResultJson.readTree(json);
        Map<?, ?> store = (Map<?, ?>) ((List<?>) r.get("backends")).get(0);
        assertEquals(2L, store.get("nodes"));
        assertEquals("cluster", store.get("mode"));
        assertEquals(2L, store.get("replication_factor"));
        Map<?, ?> outcomes = (Map<?, ?>) r.get("outcomes");
        assertEquals(1500L, outcomes.get("inserted"));
        assertEquals(null, outcomes.get("false_negative"));
        assertEquals(null, outcomes.get("error"));
    }
}
