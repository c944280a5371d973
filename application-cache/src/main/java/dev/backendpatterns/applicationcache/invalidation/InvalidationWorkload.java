package dev.backendpatterns.applicationcache.invalidation;

import dev.backendpatterns.common.load.Operation;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Writers and readers over a set of users, cache-aside under one strategy. The dispatcher draws each request's user,
 * whether it writes, and whether its write fails, from one seeded sequence, so every strategy meets the same schedule.
 * Reads end as {@value #FRESH} (the cache answered, up to date), {@value #MISS} (the store answered, up to date) or
 * {@value #STALE} (either answered with a version older than an acknowledged write, see {@link StaleReadChecker});
 * writes as {@value #WRITE} or {@value #WRITE_FAILED} (the store took it, its cache step was skipped).
 */
final class InvalidationWorkload implements Operation {
    static final String FRESH = "fresh";
    static final String STALE = "stale";
    static final String MISS = "miss";
    static final String WRITE = "write";
    static final String WRITE_FAILED = "write_failed_injected";

    private final CacheAside cacheAside;
    private final StaleReadChecker checker;
    private final List<String> users;
    private final AtomicLongArray versions;
    private final double writeRatio;
    private final double failureRate;
    private final SplittableRandom random;

    InvalidationWorkload(CacheAside cacheAside, StaleReadChecker checker, String run, int keys, double writeRatio,
            double failureRate, long seed) {
        this.cacheAside = cacheAside;
        this.checker = checker;
        this.users = new ArrayList<>(keys);
        for (int i = 0; i < keys; i++) {
            users.add(run + ":u" + i);
        }
        this.versions = new AtomicLongArray(keys);
        this.writeRatio = writeRatio;
        this.failureRate = failureRate;
        this.random = new SplittableRandom(seed);
    }

    List<String> users() {
        return users;
    }

    @Override
    public CompletionStage<String> start(long index) {
        int key = random.nextInt(users.size());
        boolean write = random.nextDouble() < writeRatio;
        boolean fail = random.nextDouble() < failureRate;
        String user = users.get(key);
        if (write) {
            long version = versions.incrementAndGet(key);
            return cacheAside.write(user, version, fail, () -> checker.acknowledged(key, version))
                    .thenApply(done -> fail ? WRITE_FAILED : WRITE);
        }
        StaleReadChecker.Floor floor = checker.floor(key);
        return cacheAside.read(user).thenApply(read -> checker.judge(floor, read.version()) ? STALE : read.hit() ? FRESH : MISS);
    }
}
