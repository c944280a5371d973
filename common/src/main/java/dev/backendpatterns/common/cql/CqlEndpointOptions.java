package dev.backendpatterns.common.cql;

import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import dev.backendpatterns.common.cli.UsageException;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Option;

/**
 * Where the CQL store of a run is (ScyllaDB or Cassandra): {@code --cql} contact points, the local datacenter,
 * credentials and the keyspace the suite owns; or no {@code --cql}, in which case the command starts an embedded
 * Cassandra (two nodes with {@code --cluster}).
 */
public final class CqlEndpointOptions {

    @Option(names = "--cql", paramLabel = "HOST:PORT", split = ",",
            description = "Contact points of an external ScyllaDB or Cassandra, comma-separated. Without it an embedded Cassandra is started.")
    List<String> contactPoints;

    @Option(names = "--cql-dc", defaultValue = "datacenter1", paramLabel = "NAME",
            description = "Local datacenter of the driver's load balancing (default: ${DEFAULT-VALUE}).")
    String localDatacenter = "datacenter1";

    @Option(names = "--cql-user", paramLabel = "USER", description = "User name, for a server with authentication.")
    String user;

    @Option(names = "--cql-password", paramLabel = "PASSWORD", description = "Password of --cql-user.")
    String password;

    @Option(names = "--cql-keyspace", defaultValue = "example", paramLabel = "NAME",
            description = "The keyspace the suite creates (if missing) and writes in; nothing outside it is touched (default: ${DEFAULT-VALUE}).")
    String keyspace = "example";

    @Option(names = "--cql-consistency", defaultValue = "LOCAL_ONE", paramLabel = "LEVEL",
            description = "Consistency level of reads and writes (default: ${DEFAULT-VALUE}, as the reference).")
    String consistency = "LOCAL_ONE";

    @Option(names = "--cassandra-heap", defaultValue = "1g", paramLabel = "SIZE",
            description = "Heap of each embedded Cassandra node (default: ${DEFAULT-VALUE}).")
    String heap = "1g";

    public CqlEndpointOptions() {
    }

    public static CqlEndpointOptions external(String contactPoints) {
        CqlEndpointOptions o = new CqlEndpointOptions();
        o.contactPoints = List.of(contactPoints.split(","));
        return o;
    }

    public void validate() {
        if (contactPoints != null) {
            for (String point : contactPoints) {
                if (!point.matches("[^:,]+:\\d{1,5}")) {
                    throw new UsageException("--cql takes host:port[,host:port...], got '" + point + "'");
                }
            }
        }
        if (!keyspace.matches("[a-zA-Z][a-zA-Z0-9_]{0,47}")) {
            throw new UsageException("--cql-keyspace must be a CQL identifier (letters, digits, _), was '" + keyspace + "'");
        }
        if ((user == null) != (password == null)) {
            throw new UsageException("--cql-user and --cql-password go together");
        }
        try {
            DefaultConsistencyLevel.valueOf(consistency.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new UsageException("--cql-consistency: unknown level '" + consistency + "' (ONE, LOCAL_ONE, QUORUM, ALL...)");
        }
        if (!heap.matches("\\d+[kmgKMG]?")) {
            throw new UsageException("--cassandra-heap takes a size like 1g or 768m, was '" + heap + "'");
        }
    }

    public boolean embedded() {
        return contactPoints == null;
    }

    public List<String> contactPoints() {
        return contactPoints == null ? List.of() : List.copyOf(contactPoints);
    }

    public String localDatacenter() {
        return localDatacenter;
    }

    public String keyspace() {
        return keyspace;
    }

    public String consistency() {
        return consistency.toUpperCase(Locale.ROOT);
    }

    public String heap() {
        return heap;
    }

    String user() {
        return user;
    }

    String password() {
        return password;
    }

    public CqlEndpointOptions withConsistency(String level) {
        this.consistency = level;
        return this;
    }
}
