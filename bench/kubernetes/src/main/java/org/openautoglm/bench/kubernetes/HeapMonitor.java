package org.openautoglm.bench.kubernetes;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.stream.Collectors;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * The heap of this JVM while a run goes on, two ways: the used heap sampled every few milliseconds
 * together with the heap just before each collection (the peak, garbage included), and the heap
 * left after each collection (an upper bound of what was live).
 */
final class HeapMonitor implements AutoCloseable {
  /** What a run used, in bytes. */
  record Peak(long used, long afterGc, long collections) {}

  private static final long SAMPLE_MILLIS = 5;

  private final Set<String> heapPools =
      ManagementFactory.getMemoryPoolMXBeans().stream()
          .filter(pool -> pool.getType() == MemoryType.HEAP)
          .map(MemoryPoolMXBean::getName)
          .collect(Collectors.toSet());
  private final LongAccumulator used = new LongAccumulator(Math::max, 0);
  private final LongAccumulator afterGc = new LongAccumulator(Math::max, 0);
  private final AtomicLong collections = new AtomicLong();
  private final List<Runnable> removals = new ArrayList<>();
  private final Thread sampler;
  private volatile boolean stopped;

  HeapMonitor() {
    NotificationListener listener = this::collected;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      if (gc instanceof NotificationEmitter emitter) {
        emitter.addNotificationListener(listener, null, null);
        removals.add(
            () -> {
              try {
                emitter.removeNotificationListener(listener);
              } catch (javax.management.ListenerNotFoundException e) {
                // already gone
              }
            });
      }
    }
    sampler =
        new Thread(
            () -> {
              var memory = ManagementFactory.getMemoryMXBean();
              while (!stopped) {
                used.accumulate(memory.getHeapMemoryUsage().getUsed());
                try {
                  Thread.sleep(SAMPLE_MILLIS);
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "bench-heap-sampler");
    sampler.setDaemon(true);
    sampler.start();
  }

  private void collected(Notification notification, Object handback) {
    if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(
        notification.getType())) {
      return;
    }
    var info = GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
    used.accumulate(heap(info.getGcInfo().getMemoryUsageBeforeGc()));
    afterGc.accumulate(heap(info.getGcInfo().getMemoryUsageAfterGc()));
    collections.incrementAndGet();
  }

  private long heap(Map<String, MemoryUsage> pools) {
    long sum = 0;
    for (Map.Entry<String, MemoryUsage> pool : pools.entrySet()) {
      if (heapPools.contains(pool.getKey())) {
        sum += pool.getValue().getUsed();
      }
    }
    return sum;
  }

  Peak peak() {
    return new Peak(used.get(), afterGc.get(), collections.get());
  }

  @Override
  public void close() {
    stopped = true;
    sampler.interrupt();
    removals.forEach(Runnable::run);
  }

  /** The heap after full collections: what is still reachable. */
  static long liveHeap() {
    var memory = ManagementFactory.getMemoryMXBean();
    long live = Long.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      System.gc();
      live = Math.min(live, memory.getHeapMemoryUsage().getUsed());
    }
    return live;
  }
}
