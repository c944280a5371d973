package dev.backendpatterns.applicationcache.invalidation;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * Cache-aside reads and writes under one {@link Strategy}, with the two faults of the measurement injected where they
 * hurt: a write may fail between its store write and its cache step (the cache step is then skipped, as if the
 * process died), and a reader that missed waits {@code fillDelay} between its store read and its fill, the window of
 * the classic race.
 */
final class CacheAside {
    /** What a read returned: the version it saw (0 for none) and whether the cache answered. */
    record Read(long version, boolean hit) {
    }

    private final Strategy strategy;
    private final LoginStore store;
    private final LoginCache cache;
    private final Executor afterFillDelay;
    private final Executor afterDoubleDeleteDelay;

    CacheAside(Strategy strategy, LoginStore store, LoginCache cache, long fillDelayMillis, long doubleDeleteDelayMillis) {
        this.strategy = strategy;
        this.store = store;
        this.cache = cache;
        this.afterFillDelay = delayed(fillDelayMillis);
        this.afterDoubleDeleteDelay = delayed(doubleDeleteDelayMillis);
    }

    private static Executor delayed(long millis) {
        return millis <= 0 ? Runnable::run : CompletableFuture.delayedExecutor(millis, TimeUnit.MILLISECONDS);
    }

    private static <T> CompletionStage<T> after(Executor delay, T value) {
        return CompletableFuture.supplyAsync(() -> value, delay);
    }

    /**
     * Writes {@code version} of {@code user}. {@code stored} is told once the store acknowledged it (from then on a
     * read that returns an older version is stale). With {@code fail} the cache step after the store write is skipped.
     */
    CompletionStage<Void> write(String user, long version, boolean fail, Runnable stored) {
        String value = LoginStore.value(version);
        return switch (strategy) {
            case NONE -> storeThen(user, value, stored, fail, () -> cache.set(user, value));
            case INVALIDATE -> cache.delete(user).thenCompose(d -> storeThen(user, value, stored, fail, CacheAside::nothing));
            case DELETE_AFTER -> storeThen(user, value, stored, fail, () -> cache.delete(user));
            case DOUBLE_DELETE -> cache.delete(user).thenCompose(d -> storeThen(user, value, stored, fail,
                    () -> after(afterDoubleDeleteDelay, d).thenCompose(x -> cache.delete(user))));
            case VERSIONED -> cache.mark(user, version).thenCompose(m -> storeThen(user, value, stored, fail,
                    () -> cache.setVersioned(user, version, value).thenApply(x -> null)));
            case LEASE -> storeThen(user, value, stored, fail, () -> cache.deleteWithLease(user));
        };
    }

    private interface CacheStep {
        CompletionStage<Void> run();
    }

    private static CompletionStage<Void> nothing() {
        return CompletableFuture.completedFuture(null);
    }

    private CompletionStage<Void> storeThen(String user, String value, Runnable stored, boolean fail, CacheStep step) {
        return store.write(user, value).thenCompose(done -> {
            stored.run();
            return fail ? nothing() : step.run();
        });
    }

    /** A cache-aside read: the cache, and on a miss the store, then a fill as the strategy allows. */
    CompletionStage<Read> read(String user) {
        return cache.get(user).thenCompose(cached -> {
            if (cached != null && cached.charAt(0) == 'v') {
                return CompletableFuture.completedFuture(new Read(LoginStore.versionOf(cached), true));
            }
            return strategy == Strategy.LEASE ? readWithLease(user) : readAndFill(user);
        });
    }

    private CompletionStage<Read> readAndFill(String user) {
        return store.read(user).thenCompose(value -> {
            Read read = new Read(LoginStore.versionOf(value), false);
            if (value == null) {
                return CompletableFuture.completedFuture(read);
            }
            return after(afterFillDelay, value).thenCompose(v -> strategy == Strategy.VERSIONED
                    ? cache.setVersioned(user, read.version(), v).thenApply(x -> read)
                    : cache.set(user, v).thenApply(x -> read));
        });
    }

    private CompletionStage<Read> readWithLease(String user) {
        return cache.takeLease(user).thenCompose(token -> store.read(user).thenCompose(value -> {
            Read read = new Read(LoginStore.versionOf(value), false);
            if (value == null || token == null) { // another reader holds the lease: serve the store's value, do not fill
                return CompletableFuture.completedFuture(read);
            }
            return after(afterFillDelay, value).thenCompose(v -> cache.fillWithLease(user, token, v)).thenApply(x -> read);
        }));
    }
}
