package dev.backendpatterns.common.redis;

import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.event.ClusterTopologyChangedEvent;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.cluster.pubsub.RedisClusterPubSubAdapter;
import io.lettuce.core.cluster.pubsub.StatefulRedisClusterPubSubConnection;
import io.lettuce.core.event.EventBus;
import io.lettuce.core.event.connection.ConnectionActivatedEvent;
import io.lettuce.core.event.connection.ReconnectAttemptEvent;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.pubsub.api.async.RedisPubSubAsyncCommands;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiConsumer;
import reactor.core.Disposable;

/**
 * Sharded pub/sub subscriptions (SSUBSCRIBE) on one connection, standalone or cluster, whose every message goes to one
 * handler on Lettuce's I/O threads. On a cluster Lettuce routes each channel's SSUBSCRIBE to the master of its slot.
 * Lettuce re-subscribes after a reconnect only on the same node, and not when a slot moves to another master or a
 * failover changes the address (lettuce issues 2356 and 3213), so this keeps its own set of channels and subscribes
 * each again, one call per channel (channels of several slots cannot share one SSUBSCRIBE), when the server drops one
 * it did not ask to drop, when a connection comes back, and when the cluster's topology changes.
 *
 * <p>After a failover the former master, now a replica of the same shard, keeps its subscriptions, and a replica is sent
 * every message its shard publishes: subscribed there and again at the new master, each message would arrive twice.
 * So on a cluster a message is handed on only when it comes from the node that masters its channel's slot in the
 * client's current view of the topology; a copy from any other node is dropped and counted, and makes this unsubscribe
 * the channel there. Messages published while a subscription is down are lost: Redis
 * pub/sub is at most once, and the delivery tracker counts them.
 */
public final class RedisSubscriber implements AutoCloseable {
    private final StatefulRedisPubSubConnection<byte[], byte[]> connection;
    private final Set<String> channels = ConcurrentHashMap.newKeySet();
    /** On a cluster, "node-id channel" of the subscriptions at former masters being dropped. */
    private final Set<String> unsubscribing = ConcurrentHashMap.newKeySet();
    /** On a cluster, the addresses of node connections trying to reconnect (of this subscriber or another). */
    private final Set<SocketAddress> reconnecting = ConcurrentHashMap.newKeySet();
    private final LongAdder resubscriptions = new LongAdder();
    private final LongAdder droppedCopies = new LongAdder();
    /** On a cluster, the subscription to the client's connection and topology events; null standalone. */
    private final Disposable events;
    private volatile boolean closing;

    RedisSubscriber(StatefulRedisPubSubConnection<byte[], byte[]> connection, EventBus eventBus,
            BiConsumer<String, byte[]> handler) {
        this.connection = connection;
        if (connection instanceof StatefulRedisClusterPubSubConnection<byte[], byte[]> cluster) {
            cluster.addListener(new RedisClusterPubSubAdapter<>() {
                @Override
                public void smessage(RedisClusterNode node, byte[] channel, byte[] message) {
                    if (node == null || ownedBy(cluster, channel, node.getNodeId())) {
                        handler.accept(new String(channel, StandardCharsets.UTF_8), message);
                    } else {
                        droppedCopies.increment();
                        unsubscribeAt(cluster, node, channel);
                    }
                }

                @Override
                public void sunsubscribed(RedisClusterNode node, byte[] channel, long count) {
                    String name = new String(channel, StandardCharsets.UTF_8);
                    if (node != null) {
                        unsubscribing.remove(node.getNodeId() + ' ' + name);
                    }
                    if (!closing && channels.contains(name) && (node == null || ownedBy(cluster, channel, node.getNodeId()))) {
                        resubscribe(name);
                    }
                }
            });
        } else {
            connection.addListener(new RedisPubSubAdapter<>() {
                @Override
                public void smessage(byte[] channel, byte[] message) {
                    handler.accept(new String(channel, StandardCharsets.UTF_8), message);
                }

                @Override
                public void sunsubscribed(byte[] channel, long count) {
                    String name = new String(channel, StandardCharsets.UTF_8);
                    if (!closing && channels.contains(name)) {
                        resubscribe(name);
                    }
                }
            });
        }
        // On a cluster, a node connection coming back or a topology change may have dropped a shard subscription. The
        // event bus carries the activations of every connection of the client: every subscriber's node connections
        // (first connects included) and the periodic topology refresh's own, so an activation counts only when it
        // follows a reconnect attempt to the same address (the watchdog's ReconnectAttemptEvent; a first connect has
        // none). A standalone connection's own reconnect arrives through reconnected().
        boolean cluster = connection instanceof StatefulRedisClusterPubSubConnection<?, ?>;
        this.events = !cluster ? null : eventBus.get()
                .filter(e -> !closing)
                .subscribe(e -> {
                    if (e instanceof ReconnectAttemptEvent attempt) {
                        reconnecting.add(attempt.remoteAddress());
                    } else if (e instanceof ClusterTopologyChangedEvent
                            || e instanceof ConnectionActivatedEvent activated && reconnecting.remove(activated.remoteAddress())) {
                        channels.forEach(this::resubscribe);
                    }
                });
    }

    private static boolean ownedBy(StatefulRedisClusterPubSubConnection<byte[], byte[]> cluster, byte[] channel, String nodeId) {
        RedisClusterNode owner = cluster.getPartitions().getMasterBySlot(SlotHash.getSlot(channel));
        return owner == null || owner.getNodeId().equals(nodeId);
    }

    /**
     * Unsubscribes {@code channel} at {@code node}, once until it confirms. The subscription lives on the connection
     * Lettuce opened for the slot, which it keys by host and port (by node id it would open another connection).
     */
    private void unsubscribeAt(StatefulRedisClusterPubSubConnection<byte[], byte[]> cluster, RedisClusterNode node, byte[] channel) {
        String key = node.getNodeId() + ' ' + new String(channel, StandardCharsets.UTF_8);
        if (unsubscribing.add(key)) {
            cluster.getConnectionAsync(node.getUri().getHost(), node.getUri().getPort()).whenComplete((at, error) -> {
                if (error != null) {
                    unsubscribing.remove(key); // the node is gone, and the subscription with it
                } else {
                    at.async().sunsubscribe(channel);
                }
            });
        }
    }

    /** Subscribes {@code channel} and waits (up to {@code timeoutMillis}) until the server confirmed it. */
    public void subscribe(String channel, long timeoutMillis) {
        channels.add(channel);
        try {
            commands().ssubscribe(channel.getBytes(StandardCharsets.UTF_8)).get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot subscribe to " + channel + ": " + e.getMessage(), e);
        }
    }

    private void resubscribe(String channel) {
        resubscriptions.increment();
        commands().ssubscribe(channel.getBytes(StandardCharsets.UTF_8));
    }

    private RedisPubSubAsyncCommands<byte[], byte[]> commands() {
        return connection.async();
    }

    /** How many times a channel was subscribed again after the server, a reconnect or a topology change dropped it. */
    public long resubscriptions() {
        return resubscriptions.sum();
    }

    /**
     * How many messages came from a node that does not master their channel's slot (a former master still subscribed)
     * and were dropped, because the master sent them too.
     */
    public long droppedCopies() {
        return droppedCopies.sum();
    }

    /** A connection of the subscribers' client (re)connected: this subscriber's own, standalone, subscribes again. */
    void reconnected(RedisChannelHandler<?, ?> handler) {
        if (handler == connection && !closing) {
            channels.forEach(this::resubscribe);
        }
    }

    @Override
    public synchronized void close() {
        if (closing) {
            return; // closed already (the broker, then the target): Lettuce warns of a second close
        }
        closing = true;
        if (events != null) {
            events.dispose();
        }
        try {
            connection.close();
        } catch (RuntimeException e) {
            // a connection to a dead server may fail to close: nothing is left to release
        }
    }
}
