package dev.backendpatterns.common.report;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;

/** Samples the client's used heap every 50 ms while open and keeps the highest value seen. */
public final class HeapSampler implements AutoCloseable {
    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    private final Thread thread;
    private volatile long peakBytes;

    public HeapSampler() {
        sample();
        thread = new Thread(this::loop, "heap-sampler");
        thread.setDaemon(true);
        thread.start();
    }

    private void loop() {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                Thread.sleep(50);
                sample();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void sample() {
        long used = memory.getHeapMemoryUsage().getUsed();
        if (used > peakBytes) {
            peakBytes = used;
        }
    }

    public long peakBytes() {
        return peakBytes;
    }

    @Override
    public void close() {
        thread.interrupt();
        sample();
    }
}
