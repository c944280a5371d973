package dev.backendpatterns.applicationcache.rfilter;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import dev.backendpatterns.common.cql.CqlTarget;
import dev.backendpatterns.common.filter.KeyHash;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * The reference's table, {@code timestamps(ts_hash text, ts text, PRIMARY KEY (ts_hash, ts))}, created if missing in
 * the suite's keyspace. The reference put each key in a partition of its own; here a run's keys go to 256 partitions of
 * its own ({@code <run>-<bucket>}, the bucket from the key's hash), which spreads them over the nodes as well and lets
 * the run delete exactly its rows at the end with 256 partition deletes. Reads and writes are prepared statements,
 * asynchronous, routed to a replica of their partition (token-aware).
 */
final class TimestampStore {
    static final int BUCKETS = 256;

    private final CqlSession session;
    private final String run;
    private final PreparedStatement select;
    private final PreparedStatement insert;
    private final PreparedStatement deletePartition;

    TimestampStore(CqlTarget target, String run) {
        this.session = target.session();
        this.run = run;
        String table = target.keyspace() + ".timestamps";
        target.execute("CREATE TABLE IF NOT EXISTS " + table + " (ts_hash text, ts text, PRIMARY KEY (ts_hash, ts))");
        this.select = session.prepare("SELECT ts FROM " + table + " WHERE ts_hash = ? AND ts = ?");
        this.insert = session.prepare("INSERT INTO " + table + " (ts_hash, ts) VALUES (?, ?)");
        this.deletePartition = session.prepare("DELETE FROM " + table + " WHERE ts_hash = ?");
    }

    private String partition(String key) {
        return run + "-" + (int) (Long.remainderUnsigned(KeyHash.XX.hash(key), BUCKETS));
    }

    /** Whether the row of {@code key} exists. */
    CompletionStage<Boolean> exists(String key) {
        return session.executeAsync(select.bind(partition(key), key)).thenApply(rs -> rs.one() != null);
    }

    CompletionStage<Void> insert(String key) {
        return session.executeAsync(insert.bind(partition(key), key)).thenApply(rs -> null);
    }

    /** Deletes every row this run wrote (its partitions); returns how many partitions were deleted. */
    int deleteRun() {
        List<CompletableFuture<?>> deletes = new ArrayList<>();
        for (int bucket = 0; bucket < BUCKETS; bucket++) {
            deletes.add(session.executeAsync(deletePartition.bind(run + "-" + bucket)).toCompletableFuture());
        }
        try {
            CompletableFuture.allOf(deletes.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot delete the run's rows: " + e.getMessage(), e);
        }
        return BUCKETS;
    }
}
