package dev.backendpatterns.common.cql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import dev.backendpatterns.common.cli.ServerOptions;
import dev.backendpatterns.common.report.BackendInfo;
import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Real Apache Cassandra in forked JVMs, through the suite's session factory: one node, then two. */
class EmbeddedCassandraIT {
    private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

    @Test
    void aSingleNodeTakesTheSuitesKeyspaceTableInsertsAndSelects() throws Exception {
        try (CqlTarget cql = CqlTarget.open(new CqlEndpointOptions(), ServerOptions.single(), 0, QUIET)) {
            BackendInfo backend = cql.describe();
            assertEquals("cassandra", backend.server());
            assertEquals(false, backend.details().get("scylladb"));
            assertTrue(String.valueOf(backend.details().get("release_version")).startsWith("5.0"), backend.toString());
            assertEquals(1, backend.nodes());

            cql.execute("CREATE TABLE IF NOT EXISTS example.timestamps (ts_hash text, ts text, PRIMARY KEY (ts_hash, ts))");
            CqlSession session = cql.session();
            PreparedStatement insert = session.prepare("INSERT INTO example.timestamps (ts_hash, ts) VALUES (?, ?)");
            PreparedStatement select = session.prepare("SELECT ts FROM example.timestamps WHERE ts_hash = ?");
            List<CompletionStage<AsyncResultSet>> writes = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                writes.add(session.executeAsync(insert.bind("h" + (i % 10), Integer.toString(i))));
            }
            for (CompletionStage<AsyncResultSet> w : writes) {
                w.toCompletableFuture().get(30, TimeUnit.SECONDS);
            }
            List<Row> rows = session.execute(select.bind("h3")).all();
            assertEquals(20, rows.size());
            assertTrue(session.execute(select.bind("absent")).all().isEmpty());
            assertEquals("1", session.getMetadata().getKeyspace("example").orElseThrow().getReplication().get("datacenter1"),
                    "NetworkTopologyStrategy, replication factor = nodes");
        }
    }

    @Test
    void twoNodesServeReplicatedDataAtAllAndAtOneWithANodeStopped() throws Exception {
        try (CqlTarget cql = CqlTarget.open(new CqlEndpointOptions().withConsistency("ALL"), ServerOptions.clustered(), 2, QUIET)) {
            assertEquals(2, cql.describe().nodes());
            assertEquals(2, cql.replicationFactor());
            cql.execute("CREATE TABLE IF NOT EXISTS example.users (id text PRIMARY KEY, last_login text)");
            CqlSession session = cql.session();
            PreparedStatement insert = session.prepare("INSERT INTO example.users (id, last_login) VALUES (?, ?)");
            PreparedStatement select = session.prepare("SELECT last_login FROM example.users WHERE id = ?");
            for (int i = 0; i < 50; i++) {
                session.execute(insert.bind("u" + i, "t" + i)); // at ALL: both replicas have it
            }
            assertEquals("t7", session.execute(select.bind("u7").setConsistencyLevel(ConsistencyLevel.ALL)).one().getString(0));

            cql.embedded().stopNode(1);
            waitUntilDown(session, 1);
            for (int i = 0; i < 50; i++) {
                Row row = session.execute(select.bind("u" + i).setConsistencyLevel(ConsistencyLevel.ONE)).one();
                assertEquals("t" + i, row.getString(0), "every row readable at ONE with a node stopped");
            }
            assertThrows(RuntimeException.class,
                    () -> session.execute(select.bind("u1").setConsistencyLevel(ConsistencyLevel.ALL)),
                    "ALL cannot be met with a replica down");
        }
    }

    private static void waitUntilDown(CqlSession session, int expectedDown) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            long down = session.getMetadata().getNodes().values().stream()
                    .filter(n -> n.getState() == com.datastax.oss.driver.api.core.metadata.NodeState.DOWN).count();
            if (down >= expectedDown) {
                return;
            }
            Thread.sleep(200);
        }
        fail("the driver never saw the stopped node as down");
    }

    @Test
    void aBadHeapSettingFailsFastWithTheServerLog() {
        long start = System.nanoTime();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> EmbeddedCassandra.start(1, "1z", null, Duration.ofMinutes(2)));
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(60), "no hang");
        assertTrue(e.getMessage().contains("Invalid") && e.getMessage().contains("heap size"), e.getMessage());
    }
}
