package dev.backendpatterns.common.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backendpatterns.common.cli.RedisEndpointOptions;
import dev.backendpatterns.common.cli.ServerOptions;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A subscriber whose connections the servers cut (CLIENT KILL TYPE pubsub, as an output-buffer limit does) subscribes
 * again, and never receives a message twice: at most once means lost or delivered, never duplicated.
 */
class RedisSubscriberIT {
    private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());
    private static final int CHANNELS = 15;
    private static final int ROUNDS = 6;
    private static final int PER_ROUND = 2_000;

    @ParameterizedTest(name = "cluster={0}")
    @ValueSource(booleans = {false, true})
    void anotherSubscribersConnectIsNotCountedAsAResubscription(boolean cluster) throws Exception {
        // 15 subscribers once reported 105 resubscriptions in a healthy standalone run (each counted the later ones'
        // first connects), and 1,185 in a healthy cluster run: every node connection any of them opened, and every
        // periodic topology refresh's connections, made each subscribe all its channels again
        try (RedisTarget target = RedisTarget.open(new RedisEndpointOptions(), cluster ? ServerOptions.clustered() : ServerOptions.single(), QUIET);
                RedisSubscriber first = target.subscriber((channel, message) -> { });
                RedisSubscriber second = target.subscriber((channel, message) -> { });
                RedisSubscriber third = target.subscriber((channel, message) -> { })) {
            for (int c = 0; c < CHANNELS; c++) { // on a cluster, these 15 channels land on every master
                List.of(first, second, third).get(c % 3).subscribe("bp:test:sub:" + c, 5_000);
            }
            // longer than the subscribers' periodic topology refresh (5 s) on a cluster
            Thread.sleep(cluster ? 7_000 : 200);
            assertEquals(0, first.resubscriptions() + second.resubscriptions() + third.resubscriptions());
        }
    }

    @ParameterizedTest(name = "cluster={0}")
    @ValueSource(booleans = {false, true})
    void killedSubscriptionsComeBackAndNothingArrivesTwice(boolean cluster) throws Exception {
        try (RedisTarget target = RedisTarget.open(new RedisEndpointOptions(), cluster ? ServerOptions.clustered() : ServerOptions.single(), QUIET);
                RedisConnection publisher = target.connect()) {
            ConcurrentHashMap<String, LongAdder> received = new ConcurrentHashMap<>();
            LongAdder duplicates = new LongAdder();
            ConcurrentHashMap<String, Boolean> seen = new ConcurrentHashMap<>();
            try (RedisSubscriber subscriber = target.subscriber((channel, message) -> {
                if (seen.putIfAbsent(new String(message, StandardCharsets.UTF_8), Boolean.TRUE) != null) {
                    duplicates.increment();
                }
                received.computeIfAbsent(channel, c -> new LongAdder()).increment();
            })) {
                for (int c = 0; c < CHANNELS; c++) {
                    subscriber.subscribe("bp:test:sub:" + c, 5_000);
                }
                long lastRoundDelivered = 0;
                for (int round = 0; round < ROUNDS; round++) {
                    if (round > 0) {
                        for (var node : target.nodes(true).values()) {
                            node.clientKill(io.lettuce.core.KillArgs.Builder.typePubsub());
                        }
                        awaitResubscribed(target, cluster);
                    }
                    long before = seen.size();
                    List<CompletableFuture<Long>> sends = new ArrayList<>();
                    for (int i = 0; i < PER_ROUND; i++) {
                        String channel = "bp:test:sub:" + (i % CHANNELS);
                        sends.add(publisher.async().spublish(channel.getBytes(StandardCharsets.UTF_8),
                                (round + "." + i).getBytes(StandardCharsets.UTF_8)).toCompletableFuture());
                    }
                    long receivers = 0;
                    for (CompletableFuture<Long> send : sends) {
                        receivers += send.get(5, TimeUnit.SECONDS);
                    }
                    assertEquals(PER_ROUND, receivers, "round " + round + ": every SPUBLISH reached exactly one subscription");
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                    while (seen.size() - before < PER_ROUND && System.nanoTime() < deadline) {
                        Thread.sleep(10);
                    }
                    lastRoundDelivered = seen.size() - before;
                    assertEquals(PER_ROUND, lastRoundDelivered, "round " + round + ": all delivered once resubscribed");
                }
                Thread.sleep(200);
                assertEquals(0, duplicates.sum(), "no message arrives twice");
                assertTrue(subscriber.resubscriptions() >= CHANNELS, "the kills made it subscribe again");
            }
        }
    }

    @Test
    void afterAFailoverMessagesComeFromTheNewMasterOnlyOnce() throws Exception {
        try (RedisTarget target = RedisTarget.open(new RedisEndpointOptions(), ServerOptions.clustered(), QUIET);
                RedisConnection publisher = target.connect()) {
            LongAdder duplicates = new LongAdder();
            ConcurrentHashMap<String, Boolean> seen = new ConcurrentHashMap<>();
            try (RedisSubscriber subscriber = target.subscriber((channel, message) -> {
                if (seen.putIfAbsent(new String(message, StandardCharsets.UTF_8), Boolean.TRUE) != null) {
                    duplicates.increment();
                }
            })) {
                for (int c = 0; c < CHANNELS; c++) {
                    subscriber.subscribe("bp:test:sub:" + c, 5_000);
                }
                // every replica takes over from its master: the old masters stay up, as replicas of the shard
                for (var replica : target.nodes(false).entrySet()) {
                    String role = replica.getValue().info("replication");
                    if (role.contains("role:slave")) {
                        replica.getValue().clusterFailover(false);
                    }
                }
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                for (int round = 0; ; round++) {
                    long before = seen.size();
                    List<CompletableFuture<Long>> sends = new ArrayList<>();
                    for (int i = 0; i < PER_ROUND; i++) {
                        String channel = "bp:test:sub:" + (i % CHANNELS);
                        sends.add(publisher.async().spublish(channel.getBytes(StandardCharsets.UTF_8),
                                ("f" + round + "." + i).getBytes(StandardCharsets.UTF_8)).toCompletableFuture());
                    }
                    for (CompletableFuture<Long> send : sends) {
                        try {
                            send.get(5, TimeUnit.SECONDS);
                        } catch (java.util.concurrent.ExecutionException e) {
                            // MOVED while the slots change hands: this round is only partly sent
                        }
                    }
                    Thread.sleep(500);
                    if (seen.size() - before == PER_ROUND || System.nanoTime() > deadline) {
                        assertEquals(PER_ROUND, seen.size() - before, "a whole round arrives after the failover");
                        break;
                    }
                }
                Thread.sleep(6_000); // a periodic topology refresh, and whatever subscriptions it triggers
                long before = seen.size();
                for (int i = 0; i < PER_ROUND; i++) {
                    String channel = "bp:test:sub:" + (i % CHANNELS);
                    publisher.async().spublish(channel.getBytes(StandardCharsets.UTF_8), ("g." + i).getBytes(StandardCharsets.UTF_8))
                            .toCompletableFuture().get(5, TimeUnit.SECONDS);
                }
                Thread.sleep(500);
                assertEquals(PER_ROUND, seen.size() - before, "every message after the failover arrives");
                assertEquals(0, duplicates.sum(), "no message arrives twice, from the new master and the old one");
                assertTrue(subscriber.droppedCopies() > 0, "the former masters did send copies, and they were dropped");
                long subscriptions = 0;
                long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                do {
                    Thread.sleep(100);
                    subscriptions = 0;
                    for (var node : target.nodes(false).values()) {
                        for (int c = 0; c < CHANNELS; c++) {
                            String channel = "bp:test:sub:" + c;
                            Long n = node.pubsubShardNumsub(channel).get(channel);
                            subscriptions += n == null ? 0 : n;
                        }
                    }
                } while (subscriptions != CHANNELS && System.nanoTime() < until);
                assertEquals(CHANNELS, subscriptions, "each channel is left subscribed at its master only");
            }
        }
    }

    /** Waits until every one of our channels counts exactly one subscriber over the masters. */
    private static void awaitResubscribed(RedisTarget target, boolean cluster) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            long subscribed = 0;
            for (var node : target.nodes(true).values()) {
                for (int c = 0; c < CHANNELS; c++) {
                    String channel = "bp:test:sub:" + c;
                    Long n = node.pubsubShardNumsub(channel).get(channel);
                    subscribed += n == null ? 0 : n;
                }
            }
            if (subscribed >= CHANNELS) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("the subscriber did not subscribe again within 10 s");
    }
}
