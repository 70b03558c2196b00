package dev.netforge.runtime.nn;

/** A ReLU that stands alone (after pooling or LRN); after a parametric layer it is fused into the epilogue. */
public final class Relu extends Stage {
  private static final ReluDropoutGradient GRADIENT = ReluDropoutGradient.forThisJvm();

  private final int perExample;

  /** A ReLU over {@code perExample} values of each example. */
  public Relu(int perExample) {
    this.perExample = perExample;
  }

  /** Binds the forward pass's arrays. */
  public void bind(float[] x, float[] y) {
    bindInputOutput(x, y);
  }

  @Override
  protected void computeForward(int batch, boolean training) {
    float[] in = x;
    float[] out = y;
    for (int i = 0; i < batch * perExample; i++) {
      out[i] = Math.max(in[i], 0f);
    }
  }

  /** {@code dx = dy · [y > 0]}. */
  @Override
  protected void computeBackward(int batch, boolean training) {
    GRADIENT.apply(dy, y, null, true, dx, 0, batch * perExample);
  }
}
