package dev.backendpatterns.common.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ClusterIdTest {
    @Test
    void clusterIdsAreKafkaUuidsThatTheStorageToolCannotTakeForAnOption() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 5_000; i++) {
            String id = EmbeddedKafka.newClusterId();
            assertEquals(22, id.length(), id);
            assertFalse(id.startsWith("-"), id);
            seen.add(id);
        }
        assertEquals(5_000, seen.size());
    }
}
