package dev.netforge.runtime.cli;

import dev.netforge.runtime.Parallel;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;

/**
 * Heap bytes allocated by every thread of this JVM between two readings, for the benchmark's "allocated per step"
 * figure: the training step is meant to allocate nothing, and a vector the JIT failed to keep in registers shows up
 * here as megabytes. Reads HotSpot's per-thread counters; where the JVM has none, the figure is unknown (-1).
 */
final class AllocationMeter {
  /**
   * Heap bytes per step above which a step ran boxed vectors (code not compiled yet, or compiled without the Vector
   * API's intrinsics): the engine allocates under a kilobyte a step once compiled (MiniAlexNet's whole training loop
   * about 11 kB, its data included), and one of the JVMs run in session 14 compiled AlexNetTorchvision's kernels so
   * that they allocated 480 MB a step and ran 1.5 times slower, with nothing else to show for it.
   */
  static final double BOXED_BYTES_PER_STEP = 1e6;

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

  /**
   * Bytes allocated so far by the calling thread and the worker pools' threads ({@link Parallel#WORKER_THREAD_NAME}):
   * the threads a training step computes on, not those decoding images ahead of it. -1 when this JVM does not count
   * them.
   */
  long allocatedByComputeThreads() {
    if (threads == null) {
      return -1;
    }
    long caller = Thread.currentThread().getId();
    long[] ids = threads.getAllThreadIds();
    ThreadInfo[] infos = threads.getThreadInfo(ids);
    long total = 0;
    for (int i = 0; i < ids.length; i++) {
      if (infos[i] != null && (ids[i] == caller || infos[i].getThreadName().equals(Parallel.WORKER_THREAD_NAME))) {
        total += Math.max(0, threads.getThreadAllocatedBytes(ids[i]));
      }
    }
    return total;
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
