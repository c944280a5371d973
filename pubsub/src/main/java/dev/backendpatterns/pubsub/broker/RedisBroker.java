package dev.backendpatterns.pubsub.broker;

import dev.backendpatterns.common.redis.RedisConnection;
import dev.backendpatterns.common.redis.RedisSubscriber;
import dev.backendpatterns.common.redis.RedisTarget;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;

/**
 * Redis sharded pub/sub: SPUBLISH from a connection only the dispatcher writes to (writes batched), SSUBSCRIBE on a
 * subscriber connection that re-subscribes by itself ({@link RedisSubscriber}). Channel names get the run's prefix
 * {@code bp:ps:<run>:}; on a cluster their slots spread them over the masters.
 */
public final class RedisBroker implements Broker {
    private final RedisTarget target;
    private final RedisConnection publisher;
    private final String prefix;
    private final long timeoutMillis;
    private final List<RedisSubscriber> subscribers = new ArrayList<>();
    private final Map<String, byte[]> channelKeys = new ConcurrentHashMap<>();

    public RedisBroker(RedisTarget target, String run) {
        this.target = target;
        this.publisher = target.connect().batchWrites();
        this.prefix = "bp:ps:" + run + ":";
        this.timeoutMillis = Math.max(5_000, target.timeout().toMillis());
    }

    @Override
    public CompletionStage<?> publish(String channel, byte[] payload) {
        return publisher.async().spublish(channelKey(channel), payload);
    }

    /** The channel's name on the server, encoded once per channel. */
    private byte[] channelKey(String channel) {
        return channelKeys.computeIfAbsent(channel, c -> (prefix + c).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void flush() {
        publisher.flush();
    }

    @Override
    public Publisher publisher() {
        RedisConnection connection = target.connect();
        return (channel, payload) -> connection.async().spublish(channelKey(channel), payload);
    }

    @Override
    public void subscribe(String channel, BiConsumer<String, byte[]> handler) {
        int cut = prefix.length();
        RedisSubscriber subscriber = target.subscriber((name, message) -> handler.accept(name.substring(cut), message));
        subscriber.subscribe(prefix + channel, timeoutMillis);
        synchronized (subscribers) {
            subscribers.add(subscriber);
        }
    }

    @Override
    public String delivery() {
        return "at most once";
    }

    /** How many times subscriptions were made again after a drop, a reconnect or a topology change. */
    public long resubscriptions() {
        synchronized (subscribers) {
            return subscribers.stream().mapToLong(RedisSubscriber::resubscriptions).sum();
        }
    }

    /** Copies of messages that a former master (now a replica, still subscribed) sent too, dropped before the handler. */
    public long droppedCopies() {
        synchronized (subscribers) {
            return subscribers.stream().mapToLong(RedisSubscriber::droppedCopies).sum();
        }
    }

    @Override
    public void close() {
        synchronized (subscribers) {
            subscribers.forEach(RedisSubscriber::close);
            subscribers.clear();
        }
    }
}
