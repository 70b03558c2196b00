package dev.netforge.runtime;

import java.util.Locale;

/**
 * What a generated network's {@code plan} allocates for one example: its activation, gradient, mask and index
 * buffers, all 4-byte elements, and the largest one. The buffers grow with the batch, so this says how much memory a
 * batch size takes and which batch sizes cannot be planned at all (a Java array holds fewer than 2³¹ elements).
 * The workers' scratch buffers are not counted: they do not grow with the batch.
 *
 * @param elementsPerExample every buffer's elements for one example, summed
 * @param largestBuffer the field name of the buffer with the most elements
 * @param largestPerExample that buffer's elements for one example
 */
public record BufferPlan(long elementsPerExample, String largestBuffer, long largestPerExample) {
  /** The longest array every JVM allocates (HotSpot refuses the last few indices below 2³¹ − 1). */
  static final long MAX_ARRAY_LENGTH = Integer.MAX_VALUE - 8;

  public BufferPlan {
    if (largestPerExample <= 0 || elementsPerExample < largestPerExample) {
      throw new IllegalArgumentException(
          "a buffer plan needs a positive largest buffer within the total, got " + largestPerExample + " of " + elementsPerExample);
    }
  }

  /** Bytes of buffers a batch of {@code batch} examples takes. */
  public long bytes(int batch) {
    return 4 * elementsPerExample * batch;
  }

  /** For example "1412.3 MiB for batch 128 (11.0 MiB per example; the largest buffer, conv1, 141.8 MiB)". */
  public String describe(int batch) {
    return String.format(Locale.ROOT, "%s for batch %d (%s per example; the largest buffer, %s, %s)",
        mebibytes(bytes(batch)), batch, kibibytes(4 * elementsPerExample), largestBuffer,
        mebibytes(4 * largestPerExample * batch));
  }

  /** The largest batch whose buffers fit in Java arrays. */
  public int largestBatch() {
    return (int) Math.min(Integer.MAX_VALUE, MAX_ARRAY_LENGTH / largestPerExample);
  }

  /**
   * Refuses, before anything is allocated, a batch whose largest buffer would not fit in a Java array or whose
   * buffers together exceed {@code maxHeapBytes}.
   */
  void requirePlannable(String network, int batch, long maxHeapBytes) {
    if (batch > largestBatch()) {
      throw new IllegalArgumentException(String.format(Locale.ROOT,
          "%s cannot run batch %d: its buffer %s would hold %d × %d = %d elements, more than a Java array's %d; "
              + "the largest batch is %d",
          network, batch, largestBuffer, batch, largestPerExample, batch * largestPerExample, MAX_ARRAY_LENGTH,
          largestBatch()));
    }
    if (bytes(batch) > maxHeapBytes) {
      throw new IllegalArgumentException(outOfHeap(network, batch, maxHeapBytes));
    }
  }

  /** Why {@code batch} does not fit in a heap of {@code maxHeapBytes}, and what to change. */
  String outOfHeap(String network, int batch, long maxHeapBytes) {
    return String.format(Locale.ROOT,
        "%s needs %s of buffers for batch %d (%s per example) and the JVM's heap is at most %s: "
            + "use a smaller batch or a larger heap (java -Xmx, or NETFORGE_JAVA_OPTS=-Xmx... for bin/netforge)",
        network, mebibytes(bytes(batch)), batch, kibibytes(4 * elementsPerExample), mebibytes(maxHeapBytes));
  }

  static String mebibytes(long bytes) {
    return String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
  }

  private static String kibibytes(long bytes) {
    return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
  }
}
