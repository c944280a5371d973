package dev.backendpatterns.common.report;

/**
 * Memory of a run: every backend's servers summed, before and after the measured run, and the client JVM's peak heap
 * (see {@link HeapPeak}).
 */
public record MemoryReport(ServerMemory serverBefore, ServerMemory serverAfter, long clientHeapPeakBytes) {
}
