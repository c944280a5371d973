package dev.backendpatterns.streams.leaky;

import dev.backendpatterns.common.redis.RedisConnection;
import dev.backendpatterns.common.redis.RedisTarget;
import io.lettuce.core.Consumer;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XAddArgs;
import io.lettuce.core.XClaimArgs;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XPendingArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.models.stream.PendingMessage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.LongConsumer;
import java.util.stream.Collectors;

/**
 * The leaky bucket on a Redis Stream, {@code bp:lb:<run>}, with one consumer group: publishing is XADD (with
 * {@code MAXLEN ~ n} when eviction is asked for: it may drop entries nobody read); a consumer takes with XCLAIM (an
 * entry pending longer than the minimum idle time, when there may be some) and otherwise XREADGROUP {@code COUNT 1 >};
 * it acknowledges with XACK, and an entry it does not acknowledge stays pending until a consumer claims it.
 *
 * <p>The claimable entries are found by one {@code XPENDING ... IDLE min-idle} of up to {@value #CLAIM_PAGE} ids at a
 * time, walking the pending list with a cursor, and handed to the consumers one id each; XCLAIM with the same minimum
 * idle time makes a claim of an id that another consumer took in the meantime a no-op. (An XAUTOCLAIM {@code COUNT 1}
 * per take, sharing one cursor, examines at most ten pending entries: with a hundred consumers claiming at once, most
 * calls re-examined the entries just claimed by the others and came back empty, and the tail of a drain ran at a fifth
 * of its rate.)
 */
final class RedisDrainQueue implements DrainQueue {
    static final byte[] FIELD = "m".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] GROUP = "bp-lb".getBytes(StandardCharsets.US_ASCII);
    private static final int PAGE = 10_000;
    static final int CLAIM_PAGE = 256;

    private final RedisConnection publisher;
    private final RedisConnection connection;
    private final RedisClusterAsyncCommands<byte[], byte[]> commands;
    private final byte[] stream;
    private final XAddArgs add;
    private final Duration minIdle;
    private final Consumer<byte[]>[] consumers;
    private final Queue<String> claimable = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean findingClaimable = new AtomicBoolean();
    /** The last id the pending-list walk returned; null to start from the beginning. Only the one walk in flight writes it. */
    private volatile String pendingCursor;

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

    /** Claims one idle pending entry, or completes with null when none is known now (and looks for more). */
    private CompletionStage<Delivery> claimOne(int consumer) {
        String id = claimable.poll();
        if (id == null) {
            findClaimable();
            return CompletableFuture.completedFuture(null);
        }
        XClaimArgs args = XClaimArgs.Builder.minIdleTime(minIdle);
        return commands.xclaim(stream, consumers[consumer], args, id)
                .thenApply(messages -> messages.isEmpty() ? null : delivery(consumer, messages.get(0), true));
    }

    /** One walk step at a time: the next page of entries pending longer than the minimum idle time, wrapping at the end. */
    private void findClaimable() {
        if (!claimable.isEmpty() || !findingClaimable.compareAndSet(false, true)) {
            return;
        }
        String after = pendingCursor;
        Range<String> range = Range.from(after == null ? Range.Boundary.unbounded() : Range.Boundary.excluding(after),
                Range.Boundary.unbounded());
        XPendingArgs<byte[]> args = new XPendingArgs<byte[]>().group(GROUP).range(range).limit(Limit.from(CLAIM_PAGE)).idle(minIdle);
        commands.xpending(stream, args).whenComplete((pending, error) -> {
            if (error == null) {
                pendingCursor = pending.size() < CLAIM_PAGE ? null : pending.get(pending.size() - 1).getId();
                pending.forEach(p -> claimable.add(p.getId()));
            }
            findingClaimable.set(false);
        });
    }

    private CompletionStage<Delivery> readOne(int consumer) {
        return commands.xreadgroup(consumers[consumer], XReadArgs.Builder.count(1), XReadArgs.StreamOffset.lastConsumed(stream))
                .thenApply(messages -> messages.isEmpty() ? null : delivery(consumer, messages.get(0), false));
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
        return "an entry not acknowledged stays pending; after " + minIdle.toMillis() + " ms idle a consumer claims it with XCLAIM";
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
