package dev.backendpatterns.applicationcache.invalidation;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import dev.backendpatterns.common.cql.CqlTarget;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * The store of record, the reference's {@code UserLogins(UserId text PRIMARY KEY, LastLogin text)} in the suite's
 * keyspace. Each write carries its per-user version at the start of {@code LastLogin} ({@code "v7 2026-11-29T..."}),
 * so that a read can tell which write it sees. The driver's client-side timestamps grow with each statement, so when two
 * writes of a user race, the later version wins in the store too.
 */
final class LoginStore {
    private final CqlSession session;
    private final PreparedStatement write;
    private final PreparedStatement read;
    private final PreparedStatement delete;

    LoginStore(CqlTarget target) {
        this.session = target.session();
        String table = target.keyspace() + ".UserLogins";
        target.execute("CREATE TABLE IF NOT EXISTS " + table + " (UserId text PRIMARY KEY, LastLogin text)");
        this.write = session.prepare("INSERT INTO " + table + " (UserId, LastLogin) VALUES (?, ?)");
        this.read = session.prepare("SELECT LastLogin FROM " + table + " WHERE UserId = ?");
        this.delete = session.prepare("DELETE FROM " + table + " WHERE UserId = ?");
    }

    /** The text stored for a user's {@code version}: the version, then when it was written. */
    static String value(long version) {
        return "v" + version + " " + Instant.now();
    }

    /** The version a stored or cached value carries ("v7 ..." is 7), or 0 for none. */
    static long versionOf(String value) {
        if (value == null || value.length() < 2 || value.charAt(0) != 'v') {
            return 0;
        }
        int end = value.indexOf(' ');
        return Long.parseLong(value.substring(1, end < 0 ? value.length() : end));
    }

    CompletionStage<Void> write(String user, String value) {
        return session.executeAsync(write.bind(user, value)).thenApply(rs -> null);
    }

    /** The user's stored value, or null. */
    CompletionStage<String> read(String user) {
        return session.executeAsync(read.bind(user)).thenApply(rs -> {
            Row row = rs.one();
            return row == null ? null : row.getString(0);
        });
    }

    /** Deletes the rows of these users (the run's own); returns how many. */
    int delete(List<String> users) {
        List<CompletableFuture<?>> deletes = new ArrayList<>();
        for (String user : users) {
            deletes.add(session.executeAsync(delete.bind(user)).toCompletableFuture());
        }
        try {
            CompletableFuture.allOf(deletes.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot delete the run's rows: " + e.getMessage(), e);
        }
        return users.size();
    }
}
