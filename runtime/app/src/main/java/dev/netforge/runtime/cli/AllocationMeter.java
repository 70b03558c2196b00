package dev.netforge.runtime.cli;

import java.lang.management.ManagementFactory;

/**
 * Heap bytes allocated by every thread of this JVM between two readings, for the benchmark's "allocated per step"
 * figure: the training step is meant to allocate nothing, and a vector the JIT failed to keep in registers shows up
 * here as megabytes. Reads HotSpot's per-thread counters; where the JVM has none, the figure is unknown (-1).
 */
final class AllocationMeter {
  private final com.sun.management.ThreadMXBean threads;

  AllocationMeter() {
    java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
    threads = bean instanceof com.sun.management.ThreadMXBean hotspot && hotspot.isThreadAllocatedMemorySupported()
        ? hotspot
        : null;
    if (threads != null) {
      threads.setThreadAllocatedMemoryEnabled(true);
    }
  }

  /** Bytes allocated so far by the threads alive now, or -1 when this JVM does not count them. */
  long allocatedBytes() {
    if (threads == null) {
      return -1;
    }
    long total = 0;
    for (long bytes : threads.getThreadAllocatedBytes(threads.getAllThreadIds())) {
      total += Math.max(0, bytes);
    }
    return total;
  }
}
