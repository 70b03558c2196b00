package dev.netforge.runtime.nn;

import dev.netforge.runtime.Parallel;
import dev.netforge.runtime.Scratch;

/**
 * The paper's local response normalization over the channels of one tower, one pass forward, one pass backward
 * ({@link LrnKernel}: in whole vectors when the Vector API is there).
 *
 * <pre>
 * forward:  d_i = k + α Σ_{j∈N(i)} a_j²;   b_i = a_i · d_i^−β                 (1/d kept for backward)
 * backward: ∂a_j = g_j · d_j^−β − 2αβ · a_j · Σ_{i∈N(j)} g_i · b_i / d_i
 * </pre>
 * N(i) is the window of {@code size} channels centred on i, clamped to i's tower; it is symmetric (j ∈ N(i) ⇔ i ∈ N(j)),
 * which is what lets the backward sum run over N(j). Here a is {@code x}, b is {@code y}, 1/d is {@code scale}.
 *
 * <p>Where a is the output of a convolution's ReLU that nothing else reads, the backward pass applies that ReLU's
 * derivative as it writes ∂a ({@code appliesReluDerivative}): ∂a is read again only by the convolution's bias
 * gradient, which then reads it without writing it back ({@link Conv2d}), where its own pass read a and ∂a and wrote
 * ∂a again.
 */
public final class LocalResponseNorm extends Stage {
  private static final LrnKernel KERNEL = LrnKernel.forThisJvm();

  private final LrnShape s;
  private final int tower;
  private final Scratch scratch;
  private final boolean appliesReluDerivative;
  private float[] scale;

  private final Parallel.RangeBody forwardExamples = this::forwardExamples;
  private final Parallel.RangeBody backwardExamples = this::backwardExamples;

  /**
   * @param tower the tower whose channels ({@link LrnShape#towers()}) this object normalizes
   * @param scratch the tower's per-worker buffers: {@code g·b/d} and {@code d^−β} go to one-example buffers of each of
   *     the tower's workers (a buffer shared by the network's LRN layers would be written by one tower in one layer
   *     while the other tower, not yet through the barrier, still reads it in another)
   */
  public LocalResponseNorm(LrnShape s, int tower, Scratch scratch) {
    this(s, tower, false, scratch);
  }

  /**
   * @param appliesReluDerivative whether the input is a ReLU's output whose derivative this object's backward pass
   *     applies (the class javadoc)
   */
  public LocalResponseNorm(LrnShape s, int tower, boolean appliesReluDerivative, Scratch scratch) {
    this.s = s;
    this.tower = tower;
    this.appliesReluDerivative = appliesReluDerivative;
    this.scratch = scratch;
  }

  /** Binds the forward pass's arrays; {@code scale} receives the denominators' reciprocals 1/d, which backward reads. */
  public void bind(float[] x, float[] y, float[] scale) {
    bindInputOutput(x, y);
    this.scale = scale;
  }

  @Override
  protected void computeForward(int batch, boolean training) {
    // Example by example as the threads come free: another tower's thread, done with its own, helps (Parallel#towers).
    Parallel.shared().forClaimed(batch, 1, forwardExamples);
  }

  @Override
  protected void computeBackward(int batch, boolean training) {
    scratch.ensureWorkers(Parallel.shared().workerNumbers());
    Parallel.shared().forClaimed(batch, 1, backwardExamples);
  }

  /** Forward, examples {@code [first, end)}. */
  private void forwardExamples(int worker, int first, int end) {
    int size = s.channels() * s.plane();
    for (int n = first; n < end; n++) {
      KERNEL.forward(s, tower, x, y, scale, n * size);
    }
  }

  /** Backward, examples {@code [first, end)}. */
  private void backwardExamples(int worker, int first, int end) {
    int size = s.channels() * s.plane();
    float[] work = scratch.get(worker, Scratch.Use.LRN_WORK, size);
    float[] powers = scratch.get(worker, Scratch.Use.LRN_POWER, size);
    for (int n = first; n < end; n++) {
      KERNEL.backward(s, tower, x, scale, dy, work, powers, dx, n * size, appliesReluDerivative);
    }
  }
}
