package dev.backendpatterns.common.report;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Map;

/** One backend of a run in its result: what it was, and its servers' memory before and after the measured run. */
@JsonPropertyOrder({"kind", "mode", "server", "version", "embedded", "nodes", "endpoint"})
public record BackendReport(String kind, String mode, String server, String version, boolean embedded, int nodes,
        String endpoint, ServerMemory memoryBefore, ServerMemory memoryAfter, @JsonAnyGetter Map<String, Object> details) {

    public static BackendReport of(BackendInfo info, ServerMemory before, ServerMemory after) {
        return new BackendReport(info.kind(), info.mode(), info.server(), info.version(), info.embedded(), info.nodes(),
                info.endpoint(), before, after, info.details());
    }
}
