package dev.netforge.runtime;

/**
 * Per-worker scratch buffers a network's kernels reuse from step to step (im2col columns, partial weight
 * gradients), so the training step does not allocate once the buffers have grown to their planned size.
 */
public final class Scratch {
  /** What a buffer is for; each worker has one buffer per use. */
  public enum Use {
    COLUMNS,
    COLUMN_GRADIENT,
    PARTIAL_WEIGHT_GRADIENT
  }

  private final float[][][] buffers;

  public Scratch(int workers) {
    buffers = new float[workers][Use.values().length][];
  }

  /** The worker's buffer for {@code use}, at least {@code size} long (contents undefined). */
  public float[] get(int worker, Use use, int size) {
    float[] b = buffers[worker][use.ordinal()];
    if (b == null || b.length < size) {
      b = new float[size];
      buffers[worker][use.ordinal()] = b;
    }
    return b;
  }
}
