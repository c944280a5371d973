package dev.backendpatterns.common.redis;

import io.lettuce.core.cluster.event.ClusterTopologyChangedEvent;
import io.lettuce.core.event.EventBus;
import io.lettuce.core.event.connection.ConnectionActivatedEvent;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.pubsub.api.async.RedisPubSubAsyncCommands;
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
 * it did not ask to drop, when a connection comes back, and when the cluster's topology changes. Messages published
 * while a subscription is down are lost: Redis pub/sub is at most once, and the delivery tracker counts them.
 */
public final class RedisSubscriber implements AutoCloseable {
    private final StatefulRedisPubSubConnection<byte[], byte[]> connection;
    private final Set<String> channels = ConcurrentHashMap.newKeySet();
    private final LongAdder resubscriptions = new LongAdder();
    private final Disposable events;
    private volatile boolean closing;

    RedisSubscriber(StatefulRedisPubSubConnection<byte[], byte[]> connection, EventBus eventBus,
            BiConsumer<String, byte[]> handler) {
        this.connection = connection;
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
        this.events = eventBus.get()
                .filter(e -> e instanceof ConnectionActivatedEvent || e instanceof ClusterTopologyChangedEvent)
                .subscribe(e -> {
                    if (!closing) {
                        channels.forEach(this::resubscribe);
                    }
                });
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

    @Override
    public void close() {
        closing = true;
        events.dispose();
        try {
            connection.close();
        } catch (RuntimeException e) {
            // a connection to a dead server may fail to close: nothing is left to release
        }
    }
}
