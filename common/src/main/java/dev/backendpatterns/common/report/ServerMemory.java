package dev.backendpatterns.common.report;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Memory of the server side of a run, summed over the nodes measured: what the data uses, what the processes
 * hold (RSS), and the high-water mark of the data since the servers started.
 */
public record ServerMemory(long usedBytes, long rssBytes, long peakBytes, int nodes) {

    public ServerMemory {
        if (usedBytes < 0 || rssBytes < 0 || peakBytes < 0 || nodes < 0) {
            throw new IllegalArgumentException("memory figures must not be negative");
        }
    }

    public ServerMemory plus(ServerMemory other) {
        return new ServerMemory(usedBytes + other.usedBytes, rssBytes + other.rssBytes, peakBytes + other.peakBytes,
                nodes + other.nodes);
    }

    public Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("used_bytes", usedBytes);
        map.put("rss_bytes", rssBytes);
        map.put("peak_bytes", peakBytes);
        map.put("nodes", nodes);
        return map;
    }
}
