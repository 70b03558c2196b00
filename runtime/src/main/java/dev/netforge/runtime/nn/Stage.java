package dev.netforge.runtime.nn;

/**
 * One layer of a generated network — or one tower's share of it — in the manner of Caffe's layers: built once in the
 * network's constructor with its geometry and parameters, bound to its arrays when the network plans a batch size
 * ({@code bind} for the forward pass's, {@link #bindGradients} for the backward pass's), then run with nothing but
 * the batch and whether the pass trains. Its parallel loop bodies are made with it, so a pass allocates nothing.
 *
 * <p>Not thread-safe: a stage belongs to one tower, which runs it on that tower's threads.
 *
 * <p>{@link #forward} and {@link #backward} run the layer's {@link #computeForward} and {@link #computeBackward}, timed
 * where someone has asked for the time ({@link #timeInto}; {@code bench --stages}), else at the cost of one null check.
 */
public abstract class Stage {
  /** The input the forward pass reads. */
  float[] x;
  /** The output the forward pass writes (kept: backward reads it where the derivative needs it). */
  float[] y;
  /** ∂loss/∂y, read (and, for a parametric layer, overwritten) by the backward pass. */
  float[] dy;
  /** ∂loss/∂x the backward pass writes, or {@code null} where nothing before the stage needs it. */
  float[] dx;

  /** The global batch this stage's passes are a share of ({@link #shareOfBatch}); 0: each pass's own batch. */
  private int globalBatch;

  /** Where this stage adds the time its passes take, or {@code null} when nobody measures it. */
  private StageTimes times;

  /** Computes {@code y} from {@code x} for the first {@code batch} examples. */
  public final void forward(int batch, boolean training) {
    StageTimes t = times;
    if (t == null) {
      computeForward(batch, training);
      return;
    }
    long start = System.nanoTime();
    computeForward(batch, training);
    t.addForward(System.nanoTime() - start);
  }

  /** Computes {@code dx} (and the parameters' gradients) from {@code dy}; follows the forward pass of the same batch. */
  public final void backward(int batch, boolean training) {
    StageTimes t = times;
    if (t == null) {
      computeBackward(batch, training);
      return;
    }
    long start = System.nanoTime();
    computeBackward(batch, training);
    t.addBackward(System.nanoTime() - start);
  }

  /** The layer's forward pass ({@link #forward}). */
  protected abstract void computeForward(int batch, boolean training);

  /** The layer's backward pass ({@link #backward}). */
  protected abstract void computeBackward(int batch, boolean training);

  /**
   * Adds the time of every later pass to {@code times}, or, given {@code null}, stops timing. Set it between passes:
   * the tower's thread reads it on its next pass.
   */
  public final void timeInto(StageTimes times) {
    this.times = times;
  }

  /**
   * Says that later passes compute a share of a global batch of {@code globalBatch} examples split over processes (0: a
   * batch of their own), which decides where the layer's sums over examples are cut into leaves ({@link
   * BatchTree#longLeaf}). {@link dev.netforge.runtime.CompiledNetwork#shareOfBatch} tells every stage.
   */
  public final void shareOfBatch(int globalBatch) {
    this.globalBatch = globalBatch;
  }

  /** The batch whose {@link BatchTree} this pass's sums over examples are part of: the global one, or the pass's own. */
  final int treeBatch(int batch) {
    return globalBatch > 0 ? globalBatch : batch;
  }

  /**
   * Binds the backward pass's arrays.
   *
   * @param dx ∂loss/∂input, or {@code null} where nothing needs it (a parametric layer then skips that GEMM)
   */
  public final void bindGradients(float[] dy, float[] dx) {
    this.dy = dy;
    this.dx = dx;
  }

  /** Whether the backward pass writes ∂loss/∂x: false before the gradients are bound, and where nothing needs it. */
  public final boolean computesInputGradient() {
    return dx != null;
  }

  /** Binds the forward pass's input and output. */
  final void bindInputOutput(float[] x, float[] y) {
    this.x = x;
    this.y = y;
  }
}
