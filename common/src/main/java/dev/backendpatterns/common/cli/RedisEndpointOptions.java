package dev.backendpatterns.common.cli;

import java.util.List;
import picocli.CommandLine.Option;

/**
 * Where the Redis of a run is: {@code --redis} (one server), {@code --redis-cluster} (seed nodes of a cluster), or
 * neither, in which case the command starts its own embedded server, or with {@code --cluster} (see
 * {@link ServerOptions}) an embedded cluster.
 */
public final class RedisEndpointOptions {

    @Option(names = "--redis", paramLabel = "URI",
            description = "An external Redis: redis://[user:pass@]host:port[/db] or rediss://... "
                    + "Without --redis or --redis-cluster an embedded server is started.")
    String redisUri;

    @Option(names = "--redis-cluster", paramLabel = "HOST:PORT", split = ",",
            description = "Seed nodes of an external Redis Cluster, comma-separated.")
    List<String> redisClusterSeeds;

    public RedisEndpointOptions() {
    }

    /** Options for an external standalone server at {@code uri}. */
    public static RedisEndpointOptions external(String uri) {
        RedisEndpointOptions o = new RedisEndpointOptions();
        o.redisUri = uri;
        return o;
    }

    /** Options for an external cluster with these comma-separated seeds. */
    public static RedisEndpointOptions externalCluster(String seeds) {
        RedisEndpointOptions o = new RedisEndpointOptions();
        o.redisClusterSeeds = List.of(seeds.split(","));
        return o;
    }

    /** Checks the options with the shared ones; throws {@link UsageException} with a user-facing message. */
    public void validate(ServerOptions servers) {
        servers.validate();
        if (redisUri != null && redisClusterSeeds != null) {
            throw new UsageException("give either --redis or --redis-cluster, not both");
        }
        if (redisUri != null && servers.cluster()) {
            throw new UsageException("--cluster with --redis: use --redis-cluster=host:port,... for an external cluster");
        }
        if (redisUri != null && !(redisUri.startsWith("redis://") || redisUri.startsWith("rediss://"))) {
            throw new UsageException("--redis must look like redis://host:port or rediss://host:port, was '" + redisUri + "'");
        }
        if (redisClusterSeeds != null) {
            for (String seed : redisClusterSeeds) {
                if (!seed.matches("[^:]+:\\d{1,5}")) {
                    throw new UsageException("--redis-cluster takes host:port[,host:port...], got '" + seed + "'");
                }
            }
        }
    }

    public boolean embedded() {
        return redisUri == null && redisClusterSeeds == null;
    }

    /** True for an external cluster, or an embedded one when {@code servers} asks for clusters. */
    public boolean cluster(ServerOptions servers) {
        return redisClusterSeeds != null || (embedded() && servers.cluster());
    }

    public String redisUri() {
        return redisUri;
    }

    public List<String> redisClusterSeeds() {
        return redisClusterSeeds == null ? List.of() : List.copyOf(redisClusterSeeds);
    }
}
