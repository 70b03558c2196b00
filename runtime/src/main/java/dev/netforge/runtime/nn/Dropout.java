package dev.netforge.runtime.nn;

import dev.netforge.runtime.Rng;

/**
 * Inverted dropout: a mask of {@code 0} (probability p) or {@code 1/(1−p)}, drawn before the pass that applies it
 * (usually a parametric layer's epilogue), and reused by the backward pass.
 */
public final class Dropout {
  private Dropout() {}

  public static void drawMask(Rng rng, float[] mask, int count, float rate) {
    float keep = 1f / (1f - rate);
    for (int i = 0; i < count; i++) {
      mask[i] = rng.nextFloat() < rate ? 0f : keep;
    }
  }

  /** A dropout that stands alone (after pooling or LRN): {@code y = x · mask}; at test time {@code y = x}. */
  public static void forward(float[] x, float[] mask, float[] y, int count) {
    for (int i = 0; i < count; i++) {
      y[i] = mask == null ? x[i] : x[i] * mask[i];
    }
  }

  /** {@code dx = dy · mask}. */
  public static void backward(float[] dy, float[] mask, float[] dx, int count) {
    for (int i = 0; i < count; i++) {
      dx[i] = mask == null ? dy[i] : dy[i] * mask[i];
    }
  }
}
