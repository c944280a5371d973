package dev.backendpatterns.streams.handoff;

import dev.backendpatterns.common.filter.BloomFilter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Rebuilding the filter at start: from the last snapshot, when there is one of the same size and it is wanted, plus the
 * log after its position; otherwise the whole log. Records how long it took (the time to ready), how many entries were
 * replayed (and how many entries held no key, skipped) and how fast.
 */
record Recovery(BloomFilter filter, long replayed, long unreadable, long readyNanos, boolean fromSnapshot, long snapshotBytes) {

    static Recovery of(HintLog log, long bits, int positions, boolean useSnapshot) {
        long start = System.nanoTime();
        BloomFilter filter = null;
        long snapshotBytes = 0;
        List<String> from = null;
        if (useSnapshot) {
            byte[] stored = log.loadSnapshot();
            if (stored != null) {
                Snapshot snapshot = Snapshot.fromBytes(stored);
                if (snapshot.positions() == positions && snapshot.words().length == (bits + 63) / 64
                        && snapshot.covered().size() == log.shards()) {
                    filter = snapshot.filter();
                    from = snapshot.covered();
                    snapshotBytes = stored.length;
                }
            }
        }
        if (filter == null) {
            filter = new BloomFilter(bits, positions);
        }
        BloomFilter rebuilt = filter;
        long[] unreadable = new long[1];
        long replayed = log.replay(from, key -> {
            if (key == null) {
                unreadable[0]++;
            } else {
                rebuilt.add(HintedHandoff.hash(key));
            }
        });
        return new Recovery(filter, replayed, unreadable[0], System.nanoTime() - start, from != null, snapshotBytes);
    }

    Map<String, Object> figures() {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("from_snapshot", fromSnapshot);
        f.put("snapshot_bytes", fromSnapshot ? snapshotBytes : null);
        f.put("replayed", replayed);
        f.put("unreadable_entries", unreadable);
        f.put("time_to_ready_ms", Math.round(readyNanos / 1e5) / 10.0);
        f.put("replay_per_s", readyNanos == 0 ? null : Math.round(replayed / (readyNanos / 1e9)));
        return f;
    }
}
