package dev.netforge.runtime.nn;

import dev.netforge.runtime.CounterRandom;

/**
 * Inverted dropout: a mask of {@code 0} (probability p) or {@code 1/(1−p)}, drawn before the pass that applies it
 * (usually a parametric layer's epilogue), and reused by the backward pass. Each unit's draw is a function of
 * (seed, training step, layer, the example's index in the global batch, unit) through {@link CounterRandom}.
 */
public final class Dropout {
  private Dropout() {}

  /**
   * Draws the mask of layer {@code layer} at training step {@code step} for examples {@code [firstExample,
   * firstExample + batch)} of the global batch, {@code perExample} units each.
   */
  public static void drawMask(long seed, long step, int layer, long firstExample, float[] mask, int batch, int perExample, float rate) {
    float keep = 1f / (1f - rate);
    long key = CounterRandom.key(seed, step, layer);
    for (int n = 0; n < batch; n++) {
      long first = (firstExample + n) * perExample;
      for (int j = 0; j < perExample; j++) {
        mask[n * perExample + j] = CounterRandom.uniform(key, first + j) < rate ? 0f : keep;
      }
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
