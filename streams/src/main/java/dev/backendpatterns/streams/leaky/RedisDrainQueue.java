package dev.backendpatterns.streams.leaky;

import dev.backendpatterns.common.redis.RedisConnection;
import dev.backendpatterns.common.redis.RedisTarget;
import io.lettuce.core.Consumer;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XAddArgs;
import io.lettuce.core.XAutoClaimArgs;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.models.stream.ClaimedMessages;
import io.lettuce.core.models.stream.PendingMessage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.LongConsumer;
import java.util.stream.Collectors;

/**
 * The leaky bucket on a Redis Stream, {@code bp:lb:<run>}, with one consumer group: publishing is XADD (with
 * {@code MAXLEN ~ n} when eviction is asked for: it may drop entries nobody read); a consumer takes with XAUTOCLAIM
 * {@code COUNT 1} (entries pending longer than the minimum idle time, when there may be some) and otherwise XREADGROUP
 * {@code COUNT 1 >}; it acknowledges with XACK, and an entry it does not acknowledge stays pending until a consumer
 * claims it.
 */
final class RedisDrainQueue implements DrainQueue {
    static final byte[] FIELD = "m".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] GROUP = "bp-lb".getBytes(StandardCharsets.US_ASCII);
    private static final int PAGE = 10_000;

    private final RedisConnection publisher;
    private final RedisConnection connection;
    private final RedisClusterAsyncCommands<byte[], byte[]> commands;
    private final byte[] stream;
    private final XAddArgs add;
    private final Duration minIdle;
    private final Consumer<byte[]>[] consumers;
    private final AtomicReference<String> claimCursor = new AtomicReference<>("0-0");

    @SuppressWarnings("unchecked")
    RedisDrainQueue(RedisTarget target, String run, int consumerCount, long maxLength, Duration minIdle) {
        this.stream = ("bp:lb:" + run).getBytes(StandardCharsets.UTF_8);
        this.publisher = target.connect().batchWrites();
        this.connection = target.connect();
        this.commands = connection.async();
        this.add = maxLength > 0 ? new XAddArgs().maxlen(maxLength).approximateTrimming() : new XAddArgs();
        this.minIdle = minIdle;
        this.consumers = new Consumer[consumerCount];
        for (int i = 0; i < consumerCount; i++) {
            consumers[i] = Consumer.from(GROUP, ("consumer-" + i).getBytes(StandardCharsets.US_ASCII));
        }
        connection.await(commands.xgroupCreate(XReadArgs.StreamOffset.from(stream, "0"), GROUP, XGroupCreateArgs.Builder.mkstream()));
    }

    @Override
    public CompletionStage<Void> publish(long sequence, byte[] payload) {
        return publisher.async().xadd(stream, add, FIELD, payload).thenApply(id -> null);
    }

    /** Appends raw fields, as a foreign writer would (for tests of malformed entries). */
    CompletionStage<String> publishRaw(byte[] field, byte[] value) {
        return commands.xadd(stream, field, value);
    }

    @Override
    public void flush() {
        publisher.flush();
    }

    @Override
    public boolean claims() {
        return true;
    }

    @Override
    public CompletionStage<Taken> take(int consumer, boolean claim, Function<Delivery, Verdict> verdict) {
        CompletionStage<Delivery> next = claim
                ? claimOne(consumer).thenCompose(d -> d != null ? CompletableFuture.completedFuture(d) : readOne(consumer))
                : readOne(consumer);
        return next.thenCompose(d -> {
            if (d == null) {
                return CompletableFuture.completedFuture(null);
            }
            Verdict v = verdict.apply(d);
            if (v == Verdict.NACK) {
                return CompletableFuture.completedFuture(new Taken(d, v));
            }
            return commands.xack(stream, GROUP, d.id()).thenApply(acked -> new Taken(d, v));
        });
    }

    private CompletionStage<Delivery> claimOne(int consumer) {
        String from = claimCursor.get();
        XAutoClaimArgs<byte[]> args = XAutoClaimArgs.Builder.xautoclaim(consumers[consumer], minIdle, from).count(1);
        return commands.xautoclaim(stream, args).thenApply(claimed -> {
            claimCursor.compareAndSet(from, claimed.getId());
            return first(consumer, claimed, true);
        });
    }

    private CompletionStage<Delivery> readOne(int consumer) {
        return commands.xreadgroup(consumers[consumer], XReadArgs.Builder.count(1), XReadArgs.StreamOffset.lastConsumed(stream))
                .thenApply(messages -> messages.isEmpty() ? null : delivery(consumer, messages.get(0), false));
    }

    private Delivery first(int consumer, ClaimedMessages<byte[], byte[]> claimed, boolean wasPending) {
        List<StreamMessage<byte[], byte[]>> messages = claimed.getMessages();
        return messages.isEmpty() ? null : delivery(consumer, messages.get(0), wasPending);
    }

    private static Delivery delivery(int consumer, StreamMessage<byte[], byte[]> message, boolean claimed) {
        return new Delivery(consumer, 0, message.getId(), payloadOf(message.getBody()), claimed);
    }

    /** The entry's {@code m} field; null when it has none (not an entry of ours). */
    static byte[] payloadOf(Map<byte[], byte[]> body) {
        if (body == null) {
            return null;
        }
        for (Map.Entry<byte[], byte[]> field : body.entrySet()) {
            if (Arrays.equals(field.getKey(), FIELD)) {
                return field.getValue();
            }
        }
        return null;
    }

    /** The crash: the consumer reads one entry it will never acknowledge, and stops; it held that and its pending ones. */
    @Override
    public CompletionStage<Held> stop(int consumer) {
        return readOne(consumer).thenCompose(inProcess -> commands.xpending(stream, consumers[consumer], Range.unbounded(), Limit.from(PAGE))
                .thenApply(pending -> new Held(pending.stream().map(PendingMessage::getId).collect(Collectors.toSet()), Set.of(),
                        inProcess)));
    }

    @Override
    public void remaining(LongConsumer sequences) {
        String after = null;
        while (true) {
            Range<String> range = Range.from(after == null ? Range.Boundary.unbounded() : Range.Boundary.excluding(after),
                    Range.Boundary.unbounded());
            List<StreamMessage<byte[], byte[]>> page = connection.await(commands.xrange(stream, range, Limit.from(PAGE)));
            for (StreamMessage<byte[], byte[]> entry : page) {
                byte[] payload = payloadOf(entry.getBody());
                long sequence = Drain.sequenceOf(payload);
                if (sequence >= 0) {
                    sequences.accept(sequence);
                }
                after = entry.getId();
            }
            if (page.size() < PAGE) {
                return;
            }
        }
    }

    @Override
    public String redelivery() {
        return "an entry not acknowledged stays pending; after " + minIdle.toMillis() + " ms idle a consumer claims it with XAUTOCLAIM";
    }

    @Override
    public void delete() {
        connection.await(commands.del(stream));
    }


    @Override
    public void close() {
        // the connections belong to the target
    }
}
