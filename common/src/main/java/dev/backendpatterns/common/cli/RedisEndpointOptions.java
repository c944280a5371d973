package dev.backendpatterns.common.cli;

import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * Where the Redis of a run is: {@code --redis} (one server), {@code --redis-cluster} (seed nodes of a
 * cluster), or neither, in which case the command starts its own embedded server, or with {@code --cluster}
 * an embedded cluster of {@code --instances} nodes.
 */
public final class RedisEndpointOptions {

    @Option(names = "--redis", paramLabel = "URI",
            description = "An external Redis: redis://[user:pass@]host:port[/db] or rediss://... "
                    + "Without --redis or --redis-cluster an embedded server is started.")
    String redisUri;

    @Option(names = "--redis-cluster", paramLabel = "HOST:PORT", split = ",",
            description = "Seed nodes of an external Redis Cluster, comma-separated.")
    List<String> redisClusterSeeds;

    @Option(names = {"--cluster", "-cluster"}, arity = "0..1", fallbackValue = "true", paramLabel = "true|false",
            description = "Use a Redis Cluster: the embedded one unless --redis-cluster is given (default: ${DEFAULT-VALUE}).")
    boolean cluster;

    @Option(names = {"--instances", "-instances"}, defaultValue = "6", paramLabel = "N",
            description = "Nodes of the embedded cluster; 6 or more = half masters, each with a replica (default: ${DEFAULT-VALUE}).")
    int instances = 6;

    @Option(names = "--timeout-ms", defaultValue = "2000", paramLabel = "MS",
            description = "Connect and command timeout in milliseconds (default: ${DEFAULT-VALUE}).")
    long timeoutMillis = 2000;

    public RedisEndpointOptions() {
    }

    /** Options for an external standalone server at {@code uri}. */
    public static RedisEndpointOptions external(String uri) {
        RedisEndpointOptions o = new RedisEndpointOptions();
        o.redisUri = uri;
        return o;
    }

    /** Options for an external cluster with these seeds. */
    public static RedisEndpointOptions externalCluster(String seeds) {
        RedisEndpointOptions o = external(null);
        o.redisClusterSeeds = List.of(seeds.split(","));
        o.cluster = true;
        return o;
    }

    /** Checks the combination of options; throws {@link IllegalArgumentException} with a user-facing message. */
    public void validate() {
        if (redisUri != null && redisClusterSeeds != null) {
            throw new IllegalArgumentException("give either --redis or --redis-cluster, not both");
        }
        if (redisUri != null && cluster) {
            throw new IllegalArgumentException("--cluster with --redis: use --redis-cluster=host:port,... for an external cluster");
        }
        if (redisUri != null && !(redisUri.startsWith("redis://") || redisUri.startsWith("rediss://"))) {
            throw new IllegalArgumentException("--redis must look like redis://host:port or rediss://host:port, was '" + redisUri + "'");
        }
        if (redisClusterSeeds != null) {
            for (String seed : redisClusterSeeds) {
                if (!seed.matches("[^:]+:\\d{1,5}")) {
                    throw new IllegalArgumentException("--redis-cluster takes host:port[,host:port...], got '" + seed + "'");
                }
            }
        }
        if (redisClusterSeeds == null && cluster && instances < 3) {
            throw new IllegalArgumentException("--instances must be at least 3 for a cluster, was " + instances);
        }
        if (timeoutMillis <= 0) {
            throw new IllegalArgumentException("--timeout-ms must be positive, was " + timeoutMillis);
        }
    }

    public boolean embedded() {
        return redisUri == null && redisClusterSeeds == null;
    }

    public boolean cluster() {
        return cluster || redisClusterSeeds != null;
    }

    public String redisUri() {
        return redisUri;
    }

    public List<String> redisClusterSeeds() {
        return redisClusterSeeds == null ? List.of() : List.copyOf(redisClusterSeeds);
    }

    public int instances() {
        return instances;
    }

    public Duration timeout() {
        return Duration.ofMillis(timeoutMillis);
    }

    public RedisEndpointOptions withCluster(boolean cluster) {
        this.cluster = cluster;
        return this;
    }

    public RedisEndpointOptions withInstances(int instances) {
        this.instances = instances;
        return this;
    }

    public RedisEndpointOptions withTimeout(Duration timeout) {
        this.timeoutMillis = timeout.toMillis();
        return this;
    }
}
