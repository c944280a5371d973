package dev.backendpatterns.streams.leaky;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A share consumer's batch is done well before its lock runs out: at most a quarter of the lock's worth of ticks. */
class ShareBatchTest {
    @Test
    void theBatchFitsInAQuarterOfTheLock() {
        assertEquals(100, ShareDrainQueue.batchFor(Duration.ofMillis(1), Duration.ofSeconds(30)), "at most 100");
        assertEquals(7, ShareDrainQueue.batchFor(Duration.ofSeconds(1), Duration.ofSeconds(30)), "the reference's 1 s ticks: 7 s of a 30 s lock");
        assertEquals(50, ShareDrainQueue.batchFor(Duration.ofMillis(10), Duration.ofSeconds(2)));
        assertEquals(1, ShareDrainQueue.batchFor(Duration.ofSeconds(1), Duration.ofSeconds(1)), "never less than one");
    }
}
