package dev.netforge.runtime;

/**
 * Per-worker scratch buffers a network's kernels reuse from step to step (im2col columns, partial weight
 * gradients, LRN backward's window terms), so the training step does not allocate once the buffers have grown to
 * their planned size. Each tower has its own, so towers that are in different layers never share one.
 */
public final class Scratch {
  /** What a buffer is for; each worker (or leaf) has one buffer per use. */
  public enum Use {
    COLUMNS,
    COLUMN_GRADIENT,
    OUTPUT_TILE,
    PADDED_INPUT,
    /** A convolution's weights packed once per call for its GEMMs, shared read-only by every worker (worker 0's). */
    PACKED_WEIGHTS,
    /** A convolution's filters flipped and transposed for its input gradient, before packing ({@code nn.FlippedConvolution}). */
    FLIPPED_FILTERS,
    /**
     * A convolution's partial weight gradient over one leaf of {@code nn.BatchTree}: indexed by the leaf, not the
     * worker (a worker sums several leaves).
     */
    PARTIAL_WEIGHT_GRADIENT,
    /** A convolution's weight gradient over one leaf's examples, transposed ({@code nn.Conv2d} at stride 1). */
    TRANSPOSED_WEIGHT_GRADIENT,
    /** A strided convolution's filters over the phase planes of its input, before transforming ({@code nn.PhasePlanes}). */
    PHASE_FILTERS,
    /** A strided convolution's weight gradient over one leaf's examples, over the phase planes ({@code nn.PhasePlanes}). */
    PHASE_WEIGHT_GRADIENT,
    /** One ξ's Ĝ for a block of tiles, a row a tile, for a convolution's input gradient ({@code nn.WinogradInputGradient}). */
    INPUT_GRADIENT_ROWS,
    /** A block's ∂Vᵀ_ξ of a convolution's input gradient computed as its forward pass's adjoint ({@code nn.WinogradInputGradient}). */
    INPUT_GRADIENT_PRODUCTS,
    /** One example's padded plane of that input gradient, each pixel's channels side by side ({@code nn.WinogradInputGradient}). */
    INPUT_GRADIENT_PLANE,
    /** One example's {@code g·b/d} in an LRN backward pass. */
    LRN_WORK,
    /** One example's {@code d^−β} in an LRN backward pass. */
    LRN_POWER;

    /** Whether every worker has a buffer of its own for this use: not worker 0's shared one, nor a leaf's. */
    boolean perWorker() {
      return this != PACKED_WEIGHTS && this != FLIPPED_FILTERS && this != PHASE_FILTERS && this != PARTIAL_WEIGHT_GRADIENT;
    }
  }

  /** {@link Use#values()} once: each call of it copies the array, and a training step allocates nothing. */
  private static final Use[] USES = Use.values();

  private float[][][] buffers;

  public Scratch(int workers) {
    buffers = new float[workers][USES.length][];
  }

  /**
   * The worker's buffer for {@code use}, at least {@code size} long (contents undefined). Grows when the worker pool
   * was resized after this scratch was made. Called by one thread per worker index, and grown only by the calling
   * thread of a parallel region before its workers start, so needs no lock.
   */
  public float[] get(int worker, Use use, int size) {
    if (worker >= buffers.length) {
      throw new IllegalStateException("worker " + worker + " has no scratch; call ensureWorkers before the parallel region");
    }
    float[] b = buffers[worker][use.ordinal()];
    if (b == null || b.length < size) {
      b = new float[size];
      buffers[worker][use.ordinal()] = b;
    }
    return b;
  }

  /**
   * Makes room for {@code workers} workers, keeping the buffers already grown, and grows each worker's own buffers to
   * at least worker 0's. A thread that helps another tower (Parallel#towers) works as one of its workers whenever it
   * comes free, its first time at any step: grown in its loop body, its buffers were allocated in steps that should
   * allocate nothing (bench then saw megabytes a step in a few of its runs).
   */
  public void ensureWorkers(int workers) {
    ensureSlots(workers);
    for (int w = 1; w < workers; w++) {
      for (Use use : USES) {
        float[] first = buffers[0][use.ordinal()];
        float[] own = buffers[w][use.ordinal()];
        if (use.perWorker() && first != null && (own == null || own.length < first.length)) {
          buffers[w][use.ordinal()] = new float[first.length];
        }
      }
    }
  }

  /** Makes room for {@code leaves} leaves' buffers ({@link Use#PARTIAL_WEIGHT_GRADIENT}), keeping those already grown. */
  public void ensureLeaves(int leaves) {
    ensureSlots(leaves);
  }

  private void ensureSlots(int slots) {
    if (slots > buffers.length) {
      float[][][] grown = new float[slots][][];
      for (int w = 0; w < slots; w++) {
        grown[w] = w < buffers.length ? buffers[w] : new float[USES.length][];
      }
      buffers = grown;
    }
  }
}
