package dev.backendpatterns.common.redis;

import dev.backendpatterns.common.cli.RedisEndpointOptions;
import dev.backendpatterns.common.cli.UriCredentials;
import dev.backendpatterns.common.cli.ServerOptions;
import dev.backendpatterns.common.cli.UsageException;
import dev.backendpatterns.common.load.LoadRunner;
import dev.backendpatterns.common.report.Backend;
import dev.backendpatterns.common.report.BackendInfo;
import dev.backendpatterns.common.report.ServerMemory;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.lettuce.core.cluster.event.ClusterTopologyChangedEvent;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.protocol.RedisCommand;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import java.io.PrintStream;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import reactor.core.Disposable;

/**
 * The Redis a run talks to, standalone or cluster, external or embedded (started here and stopped on
 * {@link #close()}), with Lettuce clients tuned for throughput but bounded: a request queue that rejects
 * instead of growing without limit, connect and command timeouts so a dead server yields errors rather than
 * a hang (a load runner's requests are bounded by the runner's timeout instead of Lettuce's), and no automatic reconnect, so a command is never replayed after a reconnect (at most once: a
 * rate-limit decision is never applied twice).
 */
public final class RedisTarget implements Backend {
    /** Commands a connection may hold (buffered, sent and unanswered) before it rejects more. */
    public static final int REQUEST_QUEUE_SIZE = 65_536;

    private final ClientResources resources;
    private final AbstractRedisClient client;
    private final EmbeddedRedis embedded;
    private final EmbeddedRedisCluster embeddedCluster;
    private final String description;
    private final String standaloneAddress;
    private final Duration timeout;
    private final List<RedisURI> uris;
    private final StatefulRedisConnection<String, String> standaloneAdmin;
    private final StatefulRedisClusterConnection<String, String> clusterAdmin;
    private final List<RedisConnection> connections = new ArrayList<>();
    /** On a cluster, the subscription to topology changes of the command client; null standalone. */
    private final Disposable topologyChanges;
    /** Copy on write: the pub/sub client's listener reads it from an event-loop thread while subscriber() connects. */
    private final List<RedisSubscriber> subscribers = new CopyOnWriteArrayList<>();
    private AbstractRedisClient pubSubClient;
    /** The pub/sub client's own resources: its event bus then carries only its own connections' events. */
    private ClientResources pubSubResources;

    private RedisTarget(ClientResources resources, AbstractRedisClient client, EmbeddedRedis embedded,
            EmbeddedRedisCluster embeddedCluster, String description, String standaloneAddress, Duration timeout,
            List<RedisURI> uris, StatefulRedisConnection<String, String> standaloneAdmin, StatefulRedisClusterConnection<String, String> clusterAdmin) {
        this.resources = resources;
        this.client = client;
        this.embedded = embedded;
        this.embeddedCluster = embeddedCluster;
        this.description = description;
        this.standaloneAddress = standaloneAddress;
        this.timeout = timeout;
        this.uris = List.copyOf(uris);
        this.standaloneAdmin = standaloneAdmin;
        this.clusterAdmin = clusterAdmin;
        this.topologyChanges = clusterAdmin == null ? null : resources.eventBus().get()
                .filter(e -> e instanceof ClusterTopologyChangedEvent).subscribe(e -> openMasterConnections());
    }

    /**
     * After a topology change (a replica promoted, a slot moved), opens every command connection's connection to each
     * master it does not have yet: with REJECT_COMMANDS, Lettuce rejects a command that would wait for a node
     * connection still being established (lettuce#3747), so the first requests to a new master would fail.
     */
    private void openMasterConnections() {
        synchronized (connections) {
            for (RedisConnection c : connections) {
                if (c.stateful() instanceof StatefulRedisClusterConnection<?, ?> cluster) {
                    for (RedisClusterNode node : cluster.getPartitions()) {
                        if (node.is(RedisClusterNode.NodeFlag.UPSTREAM)) {
                            cluster.getConnectionAsync(node.getUri().getHost(), node.getUri().getPort());
                        }
                    }
                }
            }
        }
    }

    /** Connects to the endpoint the options name, starting an embedded server or cluster when they name none. */
    public static RedisTarget open(RedisEndpointOptions options, ServerOptions servers, PrintStream log) {
        return open(options, servers, log, List.of());
    }

    /**
     * As {@link #open(RedisEndpointOptions, ServerOptions, PrintStream)}; an embedded server or cluster also gets
     * {@code embeddedArgs} ({@code --appendonly yes} for a pattern that needs persistence). An external server is used
     * as it is.
     */
    public static RedisTarget open(RedisEndpointOptions options, ServerOptions servers, PrintStream log, List<String> embeddedArgs) {
        options.validate(servers);
        Duration timeout = servers.timeout();
        if (!options.embedded()) {
            return options.cluster(servers)
                    ? connectCluster(options.redisClusterSeeds().stream().map(s -> uriOf("redis://" + s, timeout)).toList(),
                            null, "external Redis Cluster " + String.join(",", options.redisClusterSeeds()), timeout)
                    : connectStandalone(uriOf(options.redisUri(), timeout), null,
                            "external Redis " + UriCredentials.hide(options.redisUri()), timeout);
        }
        RedisBinary binary = RedisBinary.locate();
        long started = System.nanoTime();
        if (servers.cluster()) {
            EmbeddedRedisCluster cluster = EmbeddedRedisCluster.start(binary, servers.instances(), embeddedArgs);
            log.printf("started an embedded Redis Cluster: %d nodes (%d masters) of %s on %s in %d ms%n",
                    servers.instances(), cluster.masters(), binary, cluster.seeds(), elapsedMillis(started));
            try {
                List<RedisURI> seeds = cluster.nodes().stream().map(n -> uriOf(n.uri(), timeout)).toList();
                return connectCluster(seeds, cluster, "embedded Redis Cluster " + cluster.seeds(), timeout);
            } catch (RuntimeException e) {
                cluster.close();
                throw e;
            }
        }
        EmbeddedRedis server = EmbeddedRedis.start(binary, embeddedArgs);
        log.printf("started an embedded %s on %s in %d ms%n", binary, server.address(), elapsedMillis(started));
        try {
            return connectStandalone(uriOf(server.uri(), timeout), server, "embedded Redis " + server.address(), timeout);
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
    }

    private static long elapsedMillis(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    private static RedisURI uriOf(String uri, Duration timeout) {
        RedisURI parsed;
        try {
            parsed = RedisURI.create(uri);
        } catch (IllegalArgumentException e) {
            throw new UsageException("invalid Redis address '" + UriCredentials.hide(uri) + "': " + e.getMessage());
        }
        parsed.setTimeout(timeout);
        return parsed;
    }

    private static ClientResources newResources() {
        return DefaultClientResources.builder().build();
    }

    /**
     * The settings of the class comment, on a standalone or cluster options builder. Two of Lettuce's per-command costs
     * are left out where they buy nothing (together a fifth of a publishing client's CPU, measured on the dashboard):
     * the command timer, for the commands a load runner's dispatcher starts, which the runner already bounds with its
     * own timeout ({@link LoadRunner#dispatching()}); and the hash-indexed command stack, which only makes removing a
     * command whose write failed O(1), at the price of a hash insert and remove per command: the command connections
     * never reconnect, so a failed write ends the connection's use anyway, and a subscriber holds a few commands.
     */
    private static void bounded(ClientOptions.Builder options, Duration timeout) {
        long timeoutMillis = timeout.toMillis();
        options.autoReconnect(false)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .requestQueueSize(REQUEST_QUEUE_SIZE)
                .useHashIndexQueue(false)
                .timeoutOptions(TimeoutOptions.builder().timeoutCommands(true).timeoutSource(new TimeoutOptions.TimeoutSource() {
                    @Override
                    public long getTimeout(RedisCommand<?, ?, ?> command) {
                        return LoadRunner.dispatching() ? 0 : timeoutMillis; // 0: no timer
                    }
                }).build())
                .socketOptions(SocketOptions.builder().connectTimeout(timeout).tcpNoDelay(true).keepAlive(true).build());
    }

    private static RedisTarget connectStandalone(RedisURI uri, EmbeddedRedis embedded, String description, Duration timeout) {
        ClientResources resources = newResources();
        RedisClient client = RedisClient.create(resources, uri);
        ClientOptions.Builder options = ClientOptions.builder();
        bounded(options, timeout);
        client.setOptions(options.build());
        try {
            StatefulRedisConnection<String, String> admin = client.connect();
            return new RedisTarget(resources, client, embedded, null, description,
                    uri.getHost() + ":" + uri.getPort(), timeout, List.of(uri), admin, null);
        } catch (RuntimeException e) {
            shutdown(client, resources);
            throw new IllegalStateException("cannot connect to " + description + ": " + rootMessage(e), e);
        }
    }

    private static RedisTarget connectCluster(List<RedisURI> seeds, EmbeddedRedisCluster embedded, String description,
            Duration timeout) {
        ClientResources resources = newResources();
        RedisClusterClient client = RedisClusterClient.create(resources, seeds);
        ClusterClientOptions.Builder options = ClusterClientOptions.builder();
        bounded(options, timeout);
        // adaptive triggers need reconnects or redirects, and these connections never reconnect: a master that dies
        // answers nothing, so only a periodic refresh finds the replica promoted in its place
        options.topologyRefreshOptions(ClusterTopologyRefreshOptions.builder().enableAllAdaptiveRefreshTriggers()
                .enablePeriodicRefresh(Duration.ofSeconds(2)).build());
        client.setOptions(options.build());
        try {
            StatefulRedisClusterConnection<String, String> admin = client.connect();
            return new RedisTarget(resources, client, null, embedded, description, null, timeout, seeds, null, admin);
        } catch (RuntimeException e) {
            shutdown(client, resources);
            throw new IllegalStateException("cannot connect to " + description + ": " + rootMessage(e), e);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    /** A new connection with binary keys and values, closed with this target. */
    public RedisConnection connect() {
        RedisConnection connection;
        if (client instanceof RedisClusterClient cluster) {
            StatefulRedisClusterConnection<byte[], byte[]> c = cluster.connect(ByteArrayCodec.INSTANCE);
            // open every master's connection now: with REJECT_COMMANDS, Lettuce rejects commands that would wait for a
            // node connection still being established (lettuce#3747), so the first request to each master would fail
            for (RedisClusterNode node : c.getPartitions()) {
                if (node.is(RedisClusterNode.NodeFlag.UPSTREAM)) {
                    c.getConnection(node.getUri().getHost(), node.getUri().getPort()); // keyed as slot routing keys it

                }
            }
            connection = new RedisConnection(c, c.async());
        } else {
            StatefulRedisConnection<byte[], byte[]> c = ((RedisClient) client).connect(ByteArrayCodec.INSTANCE);
            connection = new RedisConnection(c, c.async());
        }
        synchronized (connections) {
            connections.add(connection);
        }
        return connection;
    }

    /**
     * A sharded pub/sub subscriber whose messages go to {@code handler}. Unlike the command connections, its client
     * reconnects by itself (a subscriber replays nothing: it only listens again) and, on a cluster, refreshes the
     * topology every 5 s, so that it follows a failover; see {@link RedisSubscriber}.
     */
    public RedisSubscriber subscriber(BiConsumer<String, byte[]> handler) {
        synchronized (connections) {
            if (pubSubClient == null) {
                pubSubResources = newResources();
                pubSubClient = client instanceof RedisClusterClient
                        ? RedisClusterClient.create(pubSubResources, uris) : RedisClient.create(pubSubResources, uris.get(0));
                if (pubSubClient instanceof RedisClusterClient cluster) {
                    ClusterClientOptions.Builder options = ClusterClientOptions.builder();
                    bounded(options, timeout);
                    options.autoReconnect(true).disconnectedBehavior(ClientOptions.DisconnectedBehavior.ACCEPT_COMMANDS)
                            .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder().enablePeriodicRefresh(Duration.ofSeconds(5))
                                    .enableAllAdaptiveRefreshTriggers().build());
                    cluster.setOptions(options.build());
                } else {
                    ClientOptions.Builder options = ClientOptions.builder();
                    bounded(options, timeout);
                    options.autoReconnect(true).disconnectedBehavior(ClientOptions.DisconnectedBehavior.ACCEPT_COMMANDS);
                    ((RedisClient) pubSubClient).setOptions(options.build());
                    pubSubClient.addListener(new RedisConnectionStateListener() {
                        @Override
                        public void onRedisConnected(RedisChannelHandler<?, ?> handler, SocketAddress address) {
                            subscribers.forEach(s -> s.reconnected(handler));
                        }
                    });
                }
            }
            RedisSubscriber subscriber = new RedisSubscriber(pubSubClient instanceof RedisClusterClient cluster
                    ? cluster.connectPubSub(ByteArrayCodec.INSTANCE) : ((RedisClient) pubSubClient).connectPubSub(ByteArrayCodec.INSTANCE),
                    pubSubResources.eventBus(), handler);
            subscribers.add(subscriber);
            return subscriber;
        }
    }

    /** The addresses (with credentials) this target was opened with: the server, or the cluster's seeds. */
    public List<RedisURI> uris() {
        return uris;
    }

    public boolean cluster() {
        return clusterAdmin != null;
    }

    public boolean isEmbedded() {
        return embedded != null || embeddedCluster != null;
    }

    public Duration timeout() {
        return timeout;
    }

    /** The embedded standalone server, or null. */
    public EmbeddedRedis embedded() {
        return embedded;
    }

    /** The embedded cluster, or null. */
    public EmbeddedRedisCluster embeddedCluster() {
        return embeddedCluster;
    }

    /** Synchronous commands on every node (one for a standalone server), by {@code host:port}. */
    public Map<String, RedisClusterCommands<String, String>> nodes(boolean mastersOnly) {
        Map<String, RedisClusterCommands<String, String>> nodes = new LinkedHashMap<>();
        if (clusterAdmin == null) {
            nodes.put(standaloneAddress, standaloneAdmin.sync());
            return nodes;
        }
        ((RedisClusterClient) client).refreshPartitions();
        for (RedisClusterNode node : clusterAdmin.getPartitions()) {
            if (mastersOnly && !node.is(RedisClusterNode.NodeFlag.UPSTREAM)) {
                continue;
            }
            if (node.is(RedisClusterNode.NodeFlag.FAIL) || node.is(RedisClusterNode.NodeFlag.EVENTUAL_FAIL)) {
                continue;
            }
            RedisURI uri = node.getUri();
            nodes.put(uri.getHost() + ":" + uri.getPort(), clusterAdmin.getConnection(uri.getHost(), uri.getPort()).sync());
        }
        return nodes;
    }

    /** One INFO section of every node, parsed into key-value pairs, by {@code host:port}. */
    public Map<String, Map<String, String>> info(String section, boolean mastersOnly) {
        Map<String, Map<String, String>> result = new LinkedHashMap<>();
        nodes(mastersOnly).forEach((address, commands) -> result.put(address, parseInfo(commands.info(section))));
        return result;
    }

    static Map<String, String> parseInfo(String info) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String line : info.split("\r?\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && !line.startsWith("#")) {
                values.put(line.substring(0, colon), line.substring(colon + 1).trim());
            }
        }
        return values;
    }

    /** INFO memory of every node, summed. */
    @Override
    public ServerMemory memory() {
        ServerMemory total = ServerMemory.NONE;
        for (Map<String, String> node : info("memory", false).values()) {
            total = total.plus(new ServerMemory(number(node, "used_memory"), number(node, "used_memory_rss"),
                    number(node, "used_memory_peak"), 1));
        }
        return total;
    }

    private static long number(Map<String, String> info, String key) {
        String value = info.get(key);
        return value == null ? 0 : Long.parseLong(value);
    }

    /** What answered: for the result's {@code backends} entry. */
    @Override
    public BackendInfo describe() {
        Map<String, String> server = info("server", false).values().iterator().next();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("masters", nodes(true).size());
        details.put("redis_compatible_version", server.getOrDefault("redis_version", "unknown"));
        return new BackendInfo("redis", cluster() ? "cluster" : "standalone", server.getOrDefault("server_name", "redis"),
                server.getOrDefault("valkey_version", server.getOrDefault("redis_version", "unknown")), isEmbedded(),
                nodes(false).size(), description, details);
    }

    public String description() {
        return description;
    }

    @Override
    public void close() {
        if (topologyChanges != null) {
            topologyChanges.dispose();
        }
        synchronized (connections) {
            subscribers.forEach(RedisSubscriber::close);
            subscribers.clear();
            if (pubSubClient != null) {
                shutdown(pubSubClient, pubSubResources);
            }
            for (RedisConnection c : connections) {
                try {
                    c.close();
                } catch (RuntimeException e) {
                    // closing a connection to a dead server may fail: nothing left to release
                }
            }
            connections.clear();
        }
        try {
            if (standaloneAdmin != null) {
                standaloneAdmin.close();
            }
            if (clusterAdmin != null) {
                clusterAdmin.close();
            }
        } catch (RuntimeException e) {
            // as above
        }
        shutdown(client, resources);
        if (embedded != null) {
            embedded.close();
        }
        if (embeddedCluster != null) {
            embeddedCluster.close();
        }
    }

    private static void shutdown(AbstractRedisClient client, ClientResources resources) {
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        resources.shutdown(0, 2, TimeUnit.SECONDS);
    }
}
