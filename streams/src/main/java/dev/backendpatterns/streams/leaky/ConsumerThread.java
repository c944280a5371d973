package dev.backendpatterns.streams.leaky;

import dev.backendpatterns.streams.leaky.DrainQueue.Delivery;
import dev.backendpatterns.streams.leaky.DrainQueue.Held;
import dev.backendpatterns.streams.leaky.DrainQueue.Taken;
import dev.backendpatterns.streams.leaky.DrainQueue.Verdict;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * One Kafka consumer of a leaky bucket on a thread of its own (a Kafka consumer is single-threaded): takes and the
 * crash are handed to it as requests and answered from it. Once crashed it does nothing more, as a hung process: no
 * poll, no acknowledgement, no leaving; the consumer is closed only with the queue.
 */
abstract class ConsumerThread implements Runnable {
    /** How long the crash waits for a record to hold, when a poll brings none at once. */
    static final Duration CRASH_WAIT = Duration.ofSeconds(2);

    final int index;
    private final BlockingQueue<Request> requests = new LinkedBlockingQueue<>();
    private final Thread thread;
    private volatile boolean closed;
    private volatile boolean crashed;
    private volatile Held held;

    /** A take ({@code verdict} given) or the crash. */
    private record Request(Function<Delivery, Verdict> verdict, boolean crash, CompletableFuture<Taken> result) {
    }

    ConsumerThread(int index, String name) {
        this.index = index;
        this.thread = new Thread(this, name + "-" + index);
        thread.setDaemon(true);
    }

    final void start() {
        thread.start();
    }

    final CompletionStage<Taken> take(Function<Delivery, Verdict> verdict) {
        return submit(new Request(verdict, false, new CompletableFuture<>()));
    }

    /** Crashes the consumer; completes with what it held. */
    final CompletionStage<Held> crash() {
        return submit(new Request(null, true, new CompletableFuture<>())).thenApply(t -> held);
    }

    private CompletionStage<Taken> submit(Request request) {
        if (closed) {
            request.result().completeExceptionally(new IllegalStateException("consumer " + index + " is closed"));
        } else {
            requests.add(request);
        }
        return request.result();
    }

    /** Subscribes, on the consumer's thread, before anything else. */
    abstract void subscribe();

    /** Between requests: whatever keeps the consumer in its group without taking anything. */
    abstract void idle();

    /** Takes one record and acts on {@code verdict}; null when there was none. */
    abstract Taken takeOne(Function<Delivery, Verdict> verdict);

    /** Gets one record to hold without ever answering for it, or null. */
    abstract Delivery holdOne();

    /**
     * What the consumer took from the broker and the broker has not heard back about (taken but not committed, or not
     * taken yet), beyond the record a crash holds; none by default.
     */
    Set<String> unacknowledged() {
        return Set.of();
    }

    /** The shards (partitions) the consumer owns now, for what a crash holds. */
    abstract Set<Integer> ownedShards();

    /** Closes the consumer; {@code crashed} when it crashed, and so must not commit or leave more than a crash would. */
    abstract void closeConsumer(boolean crashed);

    @Override
    public final void run() {
        try {
            subscribe();
            while (!closed) {
                Request request = requests.poll(50, TimeUnit.MILLISECONDS);
                if (crashed) {
                    if (request != null) {
                        request.result().completeExceptionally(new IllegalStateException("consumer " + index + " crashed"));
                    }
                    continue;
                }
                if (request == null) {
                    idle();
                    continue;
                }
                try {
                    request.result().complete(request.crash() ? crashNow() : takeOne(request.verdict()));
                } catch (RuntimeException e) {
                    request.result().completeExceptionally(e);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            failAll(e);
        } finally {
            failAll(new IllegalStateException("consumer " + index + " closed"));
            closeConsumer(crashed);
        }
    }

    /** One record held (waiting up to {@link #CRASH_WAIT} for one), then nothing more. */
    private Taken crashNow() {
        Delivery inProcess = holdOne();
        for (long end = System.nanoTime() + CRASH_WAIT.toNanos(); inProcess == null && System.nanoTime() < end; ) {
            inProcess = holdOne();
        }
        Set<String> ids = new HashSet<>(unacknowledged());
        if (inProcess != null) {
            ids.add(inProcess.id());
        }
        held = new Held(ids, ownedShards(), inProcess);
        crashed = true;
        return null;
    }

    private void failAll(Exception e) {
        Request r;
        while ((r = requests.poll()) != null) {
            r.result().completeExceptionally(e);
        }
    }

    final void close() {
        closed = true;
        try {
            thread.join(15_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
