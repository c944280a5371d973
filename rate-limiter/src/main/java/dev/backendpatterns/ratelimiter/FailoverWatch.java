package dev.backendpatterns.ratelimiter;

import dev.backendpatterns.common.redis.MasterKill;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * What a run with {@code --kill-master-after} reports about the failover: when the master died, when requests failed
 * (the error window), and what key 0, whose master it was, admitted against what its limit allows over the run: a
 * replica promoted before it received the latest writes starts from older state and may admit again.
 */
final class FailoverWatch {
    private final MasterKill kill;
    private final AtomicLong firstErrorNanos = new AtomicLong(Long.MAX_VALUE);
    private final AtomicLong lastErrorNanos = new AtomicLong(Long.MIN_VALUE);
    private final LongAdder errors = new LongAdder();
    private final LongAdder keyZeroAllowed = new LongAdder();

    FailoverWatch(MasterKill kill) {
        this.kill = kill;
    }

    /** A measured request starts: the first one starts the kill's clock. */
    void started() {
        kill.arm();
    }

    void decided(int key, Long decision, Throwable error) {
        if (error != null) {
            long now = System.nanoTime();
            errors.increment();
            firstErrorNanos.accumulateAndGet(now, Math::min);
            lastErrorNanos.accumulateAndGet(now, Math::max);
        } else if (key == 0 && Decision.allowed(decision)) {
            keyZeroAllowed.increment();
        }
    }

    /** The report's {@code failover} object; {@code limitAllows} is key 0's most admissions over the run, or null. */
    Map<String, Object> figures(Long limitAllows) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("killed_node", kill.killedNode());
        f.put("killed_at_s", kill.killedNode() == null ? null : round(kill.killedAtSeconds()));
        if (kill.failure() != null) {
            f.put("kill_failed", kill.failure());
        }
        f.put("errors", errors.sum());
        boolean anyError = errors.sum() > 0;
        f.put("first_error_at_s", anyError ? round(kill.secondsAfterArm(firstErrorNanos.get())) : null);
        f.put("last_error_at_s", anyError ? round(kill.secondsAfterArm(lastErrorNanos.get())) : null);
        f.put("error_window_s", anyError ? round((lastErrorNanos.get() - firstErrorNanos.get()) / 1e9) : 0.0);
        f.put("key0_admitted", keyZeroAllowed.sum());
        f.put("key0_limit_allows", limitAllows);
        f.put("key0_over_admission", limitAllows == null ? null : Math.max(0, keyZeroAllowed.sum() - limitAllows));
        return f;
    }

    private static double round(double seconds) {
        return Math.round(seconds * 1000) / 1000.0;
    }
}
