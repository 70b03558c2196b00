package dev.netforge.runtime.nn;

import dev.netforge.runtime.Parallel;
import java.util.Arrays;

/**
 * Max pooling of one tower's channels [c0, c0 + count), plane by plane ({@link MaxPoolPlane}: in whole vectors when
 * the Vector API is there), recording where each maximum came from; backward routes each gradient to that arg-max
 * (windows overlap at stride &lt; kernel, so one input can receive several).
 *
 * <p>Where x is the output of a convolution's ReLU that nothing else reads ({@code appliesReluDerivative}), a window's
 * gradient is routed only where its maximum, x at the arg-max, is above 0: that is the ReLU's derivative there, and
 * every other input's gradient is 0 anyway, so ∂x is the ReLU's input gradient and the convolution only sums its bias
 * gradient from it ({@link Conv2d}).
 */
public final class MaxPool2d extends Stage {
  private static final MaxPoolPlane PLANE = MaxPoolPlane.forThisJvm();

  private final PoolShape s;
  private final int c0;
  private final int count;
  private final boolean appliesReluDerivative;
  private int[] argmax;

  private final Parallel.RangeBody forwardPlanes = this::forwardPlanes;
  private final Parallel.RangeBody backwardExamples = this::backwardExamples;

  /** Pools channels [c0, c0 + count) of every example. */
  public MaxPool2d(PoolShape s, int c0, int count) {
    this(s, c0, count, false);
  }

  /**
   * Pools channels [c0, c0 + count) of every example.
   *
   * @param appliesReluDerivative whether the input is a ReLU's output whose derivative this object's backward pass
   *     applies (the class javadoc)
   */
  public MaxPool2d(PoolShape s, int c0, int count, boolean appliesReluDerivative) {
    this.s = s;
    this.c0 = c0;
    this.count = count;
    this.appliesReluDerivative = appliesReluDerivative;
  }

  /** Binds the forward pass's arrays; {@code argmax} receives each maximum's index in {@code x}, which backward reads. */
  public void bind(float[] x, float[] y, int[] argmax) {
    bindInputOutput(x, y);
    this.argmax = argmax;
  }

  @Override
  protected void computeForward(int batch, boolean training) {
    // An example's planes at a time as the threads come free: another tower's thread, done with its own, helps
    // (Parallel#towers).
    Parallel.shared().forClaimed(batch * count, count, forwardPlanes);
  }

  @Override
  protected void computeBackward(int batch, boolean training) {
    Parallel.shared().forClaimed(batch, 1, backwardExamples);
  }

  /** Forward, planes {@code [first, end)} in (example, channel) order. */
  private void forwardPlanes(int worker, int first, int end) {
    for (int i = first; i < end; i++) {
      int p = i / count * s.channels() + c0 + i % count;
      PLANE.pool(s, x, p * s.inPlane(), y, argmax, p * s.outPlane());
    }
  }

  /** Backward, examples {@code [first, end)}. */
  private void backwardExamples(int worker, int first, int end) {
    float[] g = dy;
    float[] d = dx;
    for (int n = first; n < end; n++) {
      for (int p = n * s.channels() + c0; p < n * s.channels() + c0 + count; p++) {
        // Plane by plane, so that the gradients land on a plane still in L1 from its zeroing.
        Arrays.fill(d, p * s.inPlane(), (p + 1) * s.inPlane(), 0f);
        for (int o = p * s.outPlane(); o < (p + 1) * s.outPlane(); o++) {
          // The maximum is y[o] = x[argmax[o]]: the ReLU's derivative at the input this gradient reaches.
          d[argmax[o]] += appliesReluDerivative && !(y[o] > 0f) ? 0f : g[o];
        }
      }
    }
  }
}
