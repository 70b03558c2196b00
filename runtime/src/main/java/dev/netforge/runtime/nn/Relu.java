package dev.netforge.runtime.nn;

/** A ReLU that stands alone (after pooling or LRN); after a parametric layer it is fused into the epilogue. */
public final class Relu {
  private static final ReluDropoutGradient GRADIENT = ReluDropoutGradient.forThisJvm();

  private Relu() {}

  public static void forward(float[] x, float[] y, int count) {
    for (int i = 0; i < count; i++) {
      y[i] = Math.max(x[i], 0f);
    }
  }

  /** {@code dx = dy · [y > 0]}. */
  public static void backward(float[] y, float[] dy, float[] dx, int count) {
    GRADIENT.apply(dy, y, null, true, dx, 0, count);
  }
}
