package dev.backendpatterns.common.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.LongConsumer;
import java.util.function.LongPredicate;

/**
 * The lock-free contract of a membership structure, checked under contention: writers add keys while readers query
 * keys already added, and neither a concurrent query nor the final one may miss a key whose add had returned.
 */
public final class ConcurrentMembership {
    private ConcurrentMembership() {
    }

    /**
     * {@code writers} threads each add keys {@code [w * perWriter, (w + 1) * perWriter)} with {@code add} while one reader
     * per writer queries, {@code queriesPerReader} times, a random key that writer has already published.
     */
    public static void assertNoKeyMissed(String name, int writers, int perWriter, int queriesPerReader, LongConsumer add,
            LongPredicate contains) throws Exception {
        AtomicLongArray published = new AtomicLongArray(writers);
        ExecutorService pool = Executors.newFixedThreadPool(writers * 2);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> adders = new ArrayList<>();
            List<Future<Long>> readers = new ArrayList<>();
            for (int t = 0; t < writers; t++) {
                int writer = t;
                long first = (long) writer * perWriter;
                adders.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < perWriter; i++) {
                        add.accept(first + i);
                        published.set(writer, i + 1);
                    }
                    return null;
                }));
                readers.add(pool.submit(() -> {
                    start.await();
                    SplittableRandom random = new SplittableRandom(writer);
                    long misses = 0;
                    for (int n = 0; n < queriesPerReader; n++) {
                        long done = published.get(writer);
                        if (done > 0) {
                            misses += contains.test(first + random.nextLong(done)) ? 0 : 1;
                        }
                    }
                    return misses;
                }));
            }
            start.countDown();
            for (Future<?> adder : adders) {
                adder.get(60, TimeUnit.SECONDS);
            }
            for (Future<Long> reader : readers) {
                assertEquals(0L, reader.get(60, TimeUnit.SECONDS), name + ": a key added before the query was missed");
            }
        } finally {
            pool.shutdownNow();
        }
        for (long i = 0; i < (long) writers * perWriter; i++) {
            assertTrue(contains.test(i), name + ": lost key " + i);
        }
    }
}
