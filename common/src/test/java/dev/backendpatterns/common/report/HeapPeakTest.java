package dev.backendpatterns.common.report;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class HeapPeakTest {
    @Test
    void aShortPeakBetweenTwoCollectionsIsCaught() {
        long before = Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
        try (HeapPeak peak = new HeapPeak()) {
            List<byte[]> held = new ArrayList<>();
            for (int i = 0; i < 24; i++) {
                held.add(new byte[8 << 20]); // 192 MiB, held for a moment only
            }
            long size = held.stream().mapToLong(b -> b.length).sum();
            held.clear();
            System.gc();
            long now = Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
            assertTrue(now < before + size / 2, "the garbage is gone now: " + now);
            long deadline = System.nanoTime() + 5_000_000_000L; // collections are reported shortly after, on another thread
            while (peak.peakBytes() < size && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertTrue(peak.peakBytes() >= size, "the peak saw the 192 MiB: " + peak.peakBytes());
        }
    }
}
