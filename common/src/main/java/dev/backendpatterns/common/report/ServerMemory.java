package dev.backendpatterns.common.report;

/**
 * Memory of a backend's servers, summed over the nodes measured: what the data uses and its high-water mark (Redis
 * INFO; null where the server does not say, as for the JVMs of Kafka and Cassandra) and what the processes hold
 * (resident set size; null when it cannot be read, as for an external Kafka).
 */
public record ServerMemory(Long usedBytes, Long rssBytes, Long peakBytes, int nodes) {

    public ServerMemory {
        if (negative(usedBytes) || negative(rssBytes) || negative(peakBytes) || nodes < 0) {
            throw new IllegalArgumentException("memory figures must not be negative");
        }
    }

    public static final ServerMemory NONE = new ServerMemory(null, null, null, 0);

    /** Resident memory only, of {@code nodes} processes. */
    public static ServerMemory resident(long rssBytes, int nodes) {
        return new ServerMemory(null, rssBytes, null, nodes);
    }

    public ServerMemory plus(ServerMemory other) {
        return new ServerMemory(sum(usedBytes, other.usedBytes), sum(rssBytes, other.rssBytes), sum(peakBytes, other.peakBytes),
                nodes + other.nodes);
    }

    private static boolean negative(Long value) {
        return value != null && value < 0;
    }

    private static Long sum(Long a, Long b) {
        return a == null ? b : b == null ? a : Long.valueOf(a + b);
    }
}
