package dev.netforge.runtime.cli;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * CPU seconds used by every thread of this JVM between two readings, for the benchmark's "CPU s/step" figure: on a
 * host whose other jobs take the cores away, wall time swings from run to run while the CPU time a step needs moves
 * far less, so two runs' CPU times compare the work done (spin-waits between kernels included) where their wall
 * times cannot. Where the JVM measures no thread CPU time, the figure is unknown (-1).
 */
final class CpuTimeMeter {
  private final ThreadMXBean threads;

  CpuTimeMeter() {
    ThreadMXBean bean = ManagementFactory.getThreadMXBean();
    threads = bean.isThreadCpuTimeSupported() ? bean : null;
    if (threads != null) {
      threads.setThreadCpuTimeEnabled(true);
    }
  }

  /** CPU nanoseconds used so far by the threads alive now, or -1 when this JVM does not measure them. */
  long cpuNanos() {
    if (threads == null) {
      return -1;
    }
    long total = 0;
    for (long id : threads.getAllThreadIds()) {
      total += Math.max(0, threads.getThreadCpuTime(id));
    }
    return total;
  }
}
