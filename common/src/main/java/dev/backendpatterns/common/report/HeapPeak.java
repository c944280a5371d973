package dev.backendpatterns.common.report;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import javax.management.ListenerNotFoundException;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * The client JVM's peak heap while open, exactly and without polling. Heap use only falls at a collection, so its
 * peaks are the moments just before each collection: every collection reports the usage of each heap memory pool
 * before it ran ({@link GarbageCollectionNotificationInfo}), and their sum is the heap at that moment. The peak is
 * the largest such sum, or the heap now if that is larger. (The pools' own peak usage, summed, would overstate it:
 * each pool peaks at a different moment.)
 */
public final class HeapPeak implements AutoCloseable {
    private final Set<String> heapPools;
    private final AtomicLong peak = new AtomicLong();
    private final List<NotificationEmitter> emitters = new ArrayList<>();
    private final NotificationListener listener = this::onCollection;

    public HeapPeak() {
        heapPools = ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP)
                .map(MemoryPoolMXBean::getName).collect(Collectors.toUnmodifiableSet());
        sampleNow();
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc instanceof NotificationEmitter emitter) {
                emitter.addNotificationListener(listener, null, null);
                emitters.add(emitter);
            }
        }
    }

    private void onCollection(Notification notification, Object handback) {
        if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
            return;
        }
        GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
        long before = 0;
        for (var entry : info.getGcInfo().getMemoryUsageBeforeGc().entrySet()) {
            if (heapPools.contains(entry.getKey())) {
                before += entry.getValue().getUsed();
            }
        }
        peak.accumulateAndGet(before, Math::max);
    }

    private void sampleNow() {
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        peak.accumulateAndGet(heap.getUsed(), Math::max);
    }

    /** The highest heap use seen since this was created. */
    public long peakBytes() {
        sampleNow();
        return peak.get();
    }

    @Override
    public void close() {
        sampleNow();
        for (NotificationEmitter emitter : emitters) {
            try {
                emitter.removeNotificationListener(listener);
            } catch (ListenerNotFoundException e) {
                // already gone
            }
        }
        emitters.clear();
    }
}
