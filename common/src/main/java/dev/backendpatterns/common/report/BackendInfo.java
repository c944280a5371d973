package dev.backendpatterns.common.report;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What answered a run: the kind of server ({@code redis}, {@code kafka}, {@code cql}), standalone or cluster, which
 * server and version, whether the suite started it, how many nodes, where, and details of the kind (masters of a
 * Redis Cluster, a CQL keyspace's replication factor...).
 */
public record BackendInfo(String kind, String mode, String server, String version, boolean embedded, int nodes,
        String endpoint, Map<String, Object> details) {

    public BackendInfo {
        if (kind == null || kind.isBlank() || mode == null) {
            throw new IllegalArgumentException("a backend needs a kind and a mode");
        }
        details = details == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(details));
    }
}
