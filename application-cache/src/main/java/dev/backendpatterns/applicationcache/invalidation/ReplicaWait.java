package dev.backendpatterns.applicationcache.invalidation;

import java.util.Locale;

/**
 * What a cache write waits for before it counts as done, on a Redis Cluster: nothing (the reference without -cluster),
 * {@code WAIT numreplicas timeout} (the write reached that many replicas' memory) or {@code WAITAOF 1 numreplicas
 * timeout} (Redis 7.2+ and Valkey: it reached the master's and that many replicas' append-only files).
 */
record ReplicaWait(Mode mode, int replicas, long timeoutMillis) {
    enum Mode { NONE, WAIT, WAITAOF }

    static final ReplicaWait NONE = new ReplicaWait(Mode.NONE, 0, 0);

    ReplicaWait {
        if (mode != Mode.NONE && replicas < 0) {
            throw new IllegalArgumentException("-numreplicas must not be negative, was " + replicas);
        }
        if (mode != Mode.NONE && timeoutMillis < 0) {
            throw new IllegalArgumentException("-timeout must not be negative (0 waits for ever, which the suite refuses), was "
                    + timeoutMillis);
        }
        if (mode != Mode.NONE && timeoutMillis == 0) {
            throw new IllegalArgumentException("-timeout 0 would wait for ever: give a number of milliseconds");
        }
    }

    static Mode parse(String name) {
        try {
            return Mode.valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--wait takes wait, waitaof or none, not '" + name + "'");
        }
    }
}
