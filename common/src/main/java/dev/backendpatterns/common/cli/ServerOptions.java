package dev.backendpatterns.common.cli;

import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * What every endpoint shares: single servers or clusters ({@code --cluster}), the size of the embedded Redis
 * Cluster ({@code --instances}) and the connect and command timeout. The embedded Kafka cluster has three nodes and
 * the embedded Cassandra cluster two, whatever {@code --instances} says.
 */
public final class ServerOptions {

    @Option(names = {"--cluster", "-cluster"}, arity = "0..1", fallbackValue = "true", paramLabel = "true|false",
            description = "Use clusters: the embedded ones unless an endpoint names one (default: ${DEFAULT-VALUE}).")
    boolean cluster;

    @Option(names = {"--instances", "-instances"}, defaultValue = "6", paramLabel = "N",
            description = "Nodes of the embedded Redis Cluster; 6 or more = half masters, each with a replica (default: ${DEFAULT-VALUE}).")
    int instances = 6;

    @Option(names = "--timeout-ms", defaultValue = "2000", paramLabel = "MS",
            description = "Connect and command timeout in milliseconds (default: ${DEFAULT-VALUE}).")
    long timeoutMillis = 2000;

    public ServerOptions() {
    }

    public static ServerOptions single() {
        return new ServerOptions();
    }

    public static ServerOptions clustered() {
        ServerOptions o = new ServerOptions();
        o.cluster = true;
        return o;
    }

    /** These options, but for single servers (or clusters): for a pattern whose second kind of server stays single. */
    public ServerOptions withCluster(boolean value) {
        ServerOptions o = new ServerOptions();
        o.cluster = value;
        o.instances = instances;
        o.timeoutMillis = timeoutMillis;
        return o;
    }

    public void validate() {
        if (cluster && instances < 3) {
            throw new UsageException("--instances must be at least 3 for a cluster, was " + instances);
        }
        if (timeoutMillis <= 0) {
            throw new UsageException("--timeout-ms must be positive, was " + timeoutMillis);
        }
    }

    public boolean cluster() {
        return cluster;
    }

    public int instances() {
        return instances;
    }

    public Duration timeout() {
        return Duration.ofMillis(timeoutMillis);
    }
}
