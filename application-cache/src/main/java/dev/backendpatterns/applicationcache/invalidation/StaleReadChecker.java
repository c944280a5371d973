package dev.backendpatterns.applicationcache.invalidation;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * Decides whether a read was stale, by the exact definition: every write carries a per-key version that grows, and a
 * read is stale when it returns a version older than one whose write the store had acknowledged before the read began.
 * So a read takes its {@link #floor} when it begins, and {@link #judge} compares what it got with it. It also keeps
 * how far behind the stale reads were: the time from the acknowledgement of the newest version a read could have seen
 * to the read (a lower bound of how long the store had held a newer value than the one served).
 */
final class StaleReadChecker {
    private final AtomicLongArray acknowledged;
    private final AtomicLongArray acknowledgedAt;
    private final LongAdder stale = new LongAdder();
    private final AtomicLong maxStalenessNanos = new AtomicLong();

    /** The versions of a key when its read began: the newest acknowledged one, and when it was. */
    record Floor(long version, long acknowledgedAtNanos) {
    }

    StaleReadChecker(int keys) {
        this.acknowledged = new AtomicLongArray(keys);
        this.acknowledgedAt = new AtomicLongArray(keys);
    }

    /** The store acknowledged {@code version} of {@code key} now. */
    void acknowledged(int key, long version) {
        long now = System.nanoTime();
        long current;
        while ((current = acknowledged.get(key)) < version) {
            if (acknowledged.compareAndSet(key, current, version)) {
                acknowledgedAt.set(key, now);
                return;
            }
        }
    }

    /** What a read of {@code key} beginning now must not fall behind. */
    Floor floor(int key) {
        long version = acknowledged.get(key);
        return new Floor(version, acknowledgedAt.get(key));
    }

    /** Whether a read that began at {@code floor} and returned {@code version} was stale; counts it if so. */
    boolean judge(Floor floor, long version) {
        if (version >= floor.version()) {
            return false;
        }
        stale.increment();
        long behind = System.nanoTime() - floor.acknowledgedAtNanos();
        maxStalenessNanos.accumulateAndGet(behind, Math::max);
        return true;
    }

    /** The newest version of {@code key} the store acknowledged. */
    long latest(int key) {
        return acknowledged.get(key);
    }

    long staleReads() {
        return stale.sum();
    }

    /** How far behind the worst stale read was, in milliseconds (see the class comment). */
    double maxStalenessMillis() {
        return maxStalenessNanos.get() / 1e6;
    }
}
