package dev.backendpatterns.applicationcache.invalidation;

import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * The reference's scripted demonstration, one interleaving, run twice: a user's login is written (store and cache), then
 * written again with a failure injected before the cache update, then read cache-aside. Without invalidation the read
 * returns the first login from the cache ({@code [NG]}); with it (delete the entry before the store write) the read
 * misses and returns the second from the store ({@code [OK]}).
 */
final class InvalidationScenario {
    private final LoginStore store;
    private final LoginCache cache;
    private final PrintStream out;

    InvalidationScenario(LoginStore store, LoginCache cache, PrintStream out) {
        this.store = store;
        this.cache = cache;
        this.out = out;
    }

    /** Runs both; true if they printed [NG] then [OK], as they must. */
    boolean run(String user) throws Exception {
        boolean ng = play(user + ":plain", false);
        boolean ok = play(user + ":invalidated", true);
        return !ng && ok;
    }

    /** One run; true if the read was fresh. */
    private boolean play(String user, boolean invalidate) throws Exception {
        out.println(invalidate ? "cache-aside with invalidation (delete the entry before the store write):"
                : "cache-aside without invalidation:");
        String first = LoginStore.value(1);
        await(store.write(user, first));
        await(cache.set(user, first));
        out.println("  write 1: store " + first + ", cache set");
        String second = LoginStore.value(2);
        if (invalidate) {
            await(cache.delete(user));
        }
        await(store.write(user, second));
        out.println("  write 2: " + (invalidate ? "cache entry deleted, " : "") + "store " + second
                + ", then a failure before the cache update");
        String cached = await(cache.get(user));
        String read;
        String from;
        if (cached != null) {
            read = cached;
            from = "the cache";
        } else {
            read = await(store.read(user));
            await(cache.set(user, read));
            from = "the store (a miss, cache filled)";
        }
        boolean fresh = LoginStore.versionOf(read) == 2;
        out.println("  read:    " + read + " from " + from + " " + (fresh ? "[OK]" : "[NG] stale: the store holds " + second));
        cache.deleteAll(List.of(user));
        store.delete(List.of(user));
        return fresh;
    }

    private static <T> T await(CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
}
