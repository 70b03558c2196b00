package dev.netforge.runtime;

import java.util.Locale;

/**
 * What a generated network's buffers take for one example, all 4-byte elements: those the forward pass writes
 * (activations, dropout masks, LRN denominators, pooling indices), the gradients only a backward pass needs (planned
 * at the first one, so inference never allocates them), and the largest single buffer. The buffers grow with the
 * batch, so this says how much memory a batch size takes and which batch sizes cannot be planned at all (a Java array
 * holds fewer than 2³¹ elements). The workers' scratch buffers are not counted: they do not grow with the batch.
 *
 * @param forwardPerExample elements of the forward pass's buffers for one example
 * @param gradientPerExample elements of the gradient buffers for one example
 * @param largestBuffer the field name of the buffer with the most elements
 * @param largestPerExample that buffer's elements for one example
 */
public record BufferPlan(long forwardPerExample, long gradientPerExample, String largestBuffer, long largestPerExample) {
  /** The longest array every JVM allocates (HotSpot refuses the last few indices below 2³¹ − 1). */
  static final long MAX_ARRAY_LENGTH = Integer.MAX_VALUE - 8;

  /** What to do when a run does not fit the heap: every out-of-memory message ends with it. */
  public static final String MORE_HEAP =
      "use a smaller batch or a larger heap (java -Xmx, or NETFORGE_JAVA_OPTS=-Xmx... for bin/netforge)";

  public BufferPlan {
    if (largestPerExample <= 0 || gradientPerExample < 0 || forwardPerExample + gradientPerExample < largestPerExample) {
      throw new IllegalArgumentException("a buffer plan needs a positive largest buffer within the total, got "
          + largestPerExample + " of " + forwardPerExample + " + " + gradientPerExample);
    }
  }

  /** Bytes of the buffers training takes at {@code batch} examples: the forward pass's and the gradients. */
  public long bytes(int batch) {
    return 4 * (forwardPerExample + gradientPerExample) * batch;
  }

  /** Bytes of the buffers inference takes at {@code batch} examples. */
  public long forwardBytes(int batch) {
    return 4 * forwardPerExample * batch;
  }

  /**
   * For example (AlexNet2012) "1555.6 MiB for batch 128, 911.3 MiB of it for the forward pass (12444.8 KiB per
   * example; the largest buffer, conv1, 141.8 MiB)".
   */
  public String describe(int batch) {
    return String.format(Locale.ROOT, "%s for batch %d, %s of it for the forward pass (%s per example; the largest buffer, %s, %s)",
        mebibytes(bytes(batch)), batch, mebibytes(forwardBytes(batch)), kibibytes(bytes(1)), largestBuffer,
        mebibytes(4 * largestPerExample * batch));
  }

  /** The largest batch whose buffers fit in Java arrays. */
  public int largestBatch() {
    return (int) Math.min(Integer.MAX_VALUE, MAX_ARRAY_LENGTH / largestPerExample);
  }

  /**
   * Refuses, before anything is allocated, a batch whose largest buffer would not fit in a Java array or whose
   * buffers — the forward pass's, and the gradients too when {@code gradients} — exceed {@code maxHeapBytes}.
   */
  void requirePlannable(String network, int batch, boolean gradients, long maxHeapBytes) {
    if (batch > largestBatch()) {
      throw new IllegalArgumentException(String.format(Locale.ROOT,
          "%s cannot run batch %d: its buffer %s would hold %d × %d = %d elements, more than a Java array's %d; "
              + "the largest batch is %d",
          network, batch, largestBuffer, batch, largestPerExample, batch * largestPerExample, MAX_ARRAY_LENGTH,
          largestBatch()));
    }
    if ((gradients ? bytes(batch) : forwardBytes(batch)) > maxHeapBytes) {
      throw new IllegalArgumentException(outOfHeap(network, batch, gradients, maxHeapBytes));
    }
  }

  /** Why {@code batch} does not fit in a heap of {@code maxHeapBytes}, and what to change. */
  String outOfHeap(String network, int batch, boolean gradients, long maxHeapBytes) {
    long bytes = gradients ? bytes(batch) : forwardBytes(batch);
    return String.format(Locale.ROOT,
        "%s needs %s of buffers for %s at batch %d (%s per example) and the JVM's heap is at most %s: %s",
        network, mebibytes(bytes), gradients ? "training" : "the forward pass", batch, kibibytes(bytes / batch),
        mebibytes(maxHeapBytes), MORE_HEAP);
  }

  private static String mebibytes(long bytes) {
    return String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
  }

  private static String kibibytes(long bytes) {
    return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
  }
}
