package dev.backendpatterns.common.cql;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.CqlSessionBuilder;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.cql.Row;
import dev.backendpatterns.common.cli.ServerOptions;
import dev.backendpatterns.common.report.Backend;
import dev.backendpatterns.common.report.BackendInfo;
import dev.backendpatterns.common.report.ServerMemory;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The CQL store a run talks to (ScyllaDB or Cassandra), external or embedded, and its one session: prepared
 * statements, the configured consistency (LOCAL_ONE by default), request timeouts, and the suite's keyspace created
 * if missing. Nothing outside that keyspace is created or changed. The ScyllaDB fork of the DataStax driver is
 * shard-aware on ScyllaDB and a plain 4.x driver on Cassandra.
 */
public final class CqlTarget implements Backend {
    private final CqlSession session;
    private final String keyspace;
    private final EmbeddedCassandra embedded;
    private final String contactPoints;
    private final int replicationFactor;

    private CqlTarget(CqlSession session, String keyspace, EmbeddedCassandra embedded, String contactPoints, int replicationFactor) {
        this.session = session;
        this.keyspace = keyspace;
        this.embedded = embedded;
        this.contactPoints = contactPoints;
        this.replicationFactor = replicationFactor;
    }

    /**
     * Connects to the store the options name, or starts an embedded Cassandra (two nodes with --cluster), and creates
     * the keyspace with replication factor = the number of nodes, at most 3 ({@code replicationFactor} overrides when
     * positive).
     */
    public static CqlTarget open(CqlEndpointOptions options, ServerOptions servers, int replicationFactor, PrintStream log) {
        options.validate();
        servers.validate();
        EmbeddedCassandra embedded = null;
        List<String> points = options.contactPoints();
        if (options.embedded()) {
            long start = System.nanoTime();
            embedded = EmbeddedCassandra.start(servers.cluster() ? 2 : 1, options.heap(), null, Duration.ofMinutes(4));
            log.printf("started an embedded Apache Cassandra %s (%d node%s) on %s in %d ms%n", embedded.version(), embedded.size(),
                    embedded.size() == 1 ? "" : "s", embedded.contactPoints(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
            points = List.of(embedded.contactPoints().split(","));
        }
        try {
            CqlSession session = connect(points, options, servers.timeout());
            int nodes = session.getMetadata().getNodes().size();
            int rf = replicationFactor > 0 ? replicationFactor : Math.min(3, nodes);
            CqlTarget target = new CqlTarget(session, options.keyspace(), embedded, String.join(",", points), rf);
            target.execute("CREATE KEYSPACE IF NOT EXISTS " + options.keyspace()
                    + " WITH replication = {'class': 'NetworkTopologyStrategy', '" + options.localDatacenter() + "': " + rf + "}");
            return target;
        } catch (RuntimeException e) {
            if (embedded != null) {
                embedded.close();
            }
            throw e instanceof IllegalStateException ? e : new IllegalStateException("cannot use the CQL store at "
                    + String.join(",", points) + ": " + e.getMessage(), e);
        }
    }

    private static CqlSession connect(List<String> points, CqlEndpointOptions options, Duration timeout) {
        Duration requestTimeout = timeout.compareTo(Duration.ofSeconds(5)) < 0 ? Duration.ofSeconds(5) : timeout;
        DriverConfigLoader config = DriverConfigLoader.programmaticBuilder()
                .withString(DefaultDriverOption.REQUEST_CONSISTENCY, options.consistency())
                .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, requestTimeout)
                .withDuration(DefaultDriverOption.CONNECTION_CONNECT_TIMEOUT, requestTimeout)
                .withDuration(DefaultDriverOption.CONNECTION_INIT_QUERY_TIMEOUT, requestTimeout)
                .withDuration(DefaultDriverOption.CONTROL_CONNECTION_TIMEOUT, requestTimeout)
                .withDuration(DefaultDriverOption.METADATA_SCHEMA_REQUEST_TIMEOUT, Duration.ofSeconds(30))
                .withDuration(DefaultDriverOption.CONTROL_CONNECTION_AGREEMENT_TIMEOUT, Duration.ofSeconds(30))
                .withInt(DefaultDriverOption.CONNECTION_MAX_REQUESTS, 2048)
                .build();
        CqlSessionBuilder builder = CqlSession.builder().withConfigLoader(config).withLocalDatacenter(options.localDatacenter());
        for (String point : points) {
            int colon = point.lastIndexOf(':');
            builder.addContactPoint(new InetSocketAddress(point.substring(0, colon), Integer.parseInt(point.substring(colon + 1))));
        }
        if (options.user() != null) {
            builder.withAuthCredentials(options.user(), options.password());
        }
        try {
            return builder.build();
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot connect to the CQL store at " + String.join(",", points) + ": " + e.getMessage(), e);
        }
    }

    /** The session: prepare statements on it, and run them with {@code executeAsync} under the load runner. */
    public CqlSession session() {
        return session;
    }

    public String keyspace() {
        return keyspace;
    }

    public int replicationFactor() {
        return replicationFactor;
    }

    /** Runs a statement synchronously (schema, set-up), waiting for schema agreement. */
    public void execute(String cql) {
        session.execute(cql);
        session.checkSchemaAgreement();
    }

    /** The embedded Cassandra, or null. */
    public EmbeddedCassandra embedded() {
        return embedded;
    }

    /** What answered: {@code release_version}, and ScyllaDB's own version where it is ScyllaDB. */
    @Override
    public BackendInfo describe() {
        Row local = session.execute("SELECT release_version FROM system.local").one();
        String scylla = null;
        try {
            Row row = session.execute("SELECT version FROM system.versions").one();
            scylla = row == null ? null : row.getString("version");
        } catch (RuntimeException e) {
            // system.versions exists only on ScyllaDB
        }
        String release = local == null ? "unknown" : local.getString("release_version");
        int nodes = session.getMetadata().getNodes().size();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("release_version", release);
        details.put("scylladb", scylla != null);
        details.put("keyspace", keyspace);
        details.put("replication_factor", replicationFactor);
        return new BackendInfo("cql", nodes > 1 ? "cluster" : "standalone", scylla != null ? "scylladb" : "cassandra",
                scylla != null ? scylla : release, embedded != null, nodes, contactPoints, details);
    }

    /** The resident memory of the embedded Cassandra's JVMs; unknown for an external store. */
    @Override
    public ServerMemory memory() {
        return embedded == null ? ServerMemory.NONE : ServerMemory.resident(embedded.rssBytes(), embedded.size());
    }

    @Override
    public void close() {
        session.close();
        if (embedded != null) {
            embedded.close();
        }
    }
}
