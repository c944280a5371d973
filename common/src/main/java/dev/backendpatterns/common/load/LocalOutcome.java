package dev.backendpatterns.common.load;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/** A completed stage the runner recognises as an outcome decided without a request: see {@link Operation#local}. */
final class LocalOutcome extends CompletableFuture<String> {
    private static final ConcurrentHashMap<String, LocalOutcome> CACHE = new ConcurrentHashMap<>();

    private LocalOutcome(String outcome) {
        super.complete(outcome);
    }

    static LocalOutcome of(String outcome) {
        if (outcome == null || outcome.isEmpty()) {
            throw new IllegalArgumentException("a local outcome needs a name");
        }
        LocalOutcome cached = CACHE.get(outcome);
        return cached != null ? cached : CACHE.computeIfAbsent(outcome, LocalOutcome::new);
    }

    String outcome() {
        return getNow(null);
    }

    @Override
    public boolean complete(String value) {
        return false;
    }

    @Override
    public boolean completeExceptionally(Throwable ex) {
        return false;
    }

    @Override
    public void obtrudeValue(String value) {
        throw new UnsupportedOperationException("a local outcome is shared and cannot change");
    }

    @Override
    public void obtrudeException(Throwable ex) {
        throw new UnsupportedOperationException("a local outcome is shared and cannot change");
    }
}
