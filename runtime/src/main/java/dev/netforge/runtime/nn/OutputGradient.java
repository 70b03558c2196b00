package dev.netforge.runtime.nn;

/**
 * The fused first step of a parametric layer's backward pass: turns the gradient of the layer's stored output into
 * the gradient of its pre-activation in place — through dropout ({@code × mask}) and ReLU ({@code × [y > 0]}) — and
 * sums it into the bias gradient in the same pass.
 */
final class OutputGradient {
  private static final ReluDropoutGradient GRADIENT = ReluDropoutGradient.forThisJvm();

  private OutputGradient() {}

  /**
   * Convolution layout: channel {@code c} of {@code [batch, channels, plane]}; returns the channel's bias gradient,
   * summed over the examples in {@link BatchTree}'s order.
   *
   * @param y the stored output (after ReLU and dropout), read for the ReLU derivative
   * @param mask the dropout multipliers of the forward pass, or {@code null}
   * @param leaf the most examples {@link BatchTree} sums in order
   */
  static float channel(float[] g, float[] y, float[] mask, boolean relu, int batch, int channels, int plane, int c, int leaf) {
    return channel(g, y, mask, relu, 0, batch, channels, plane, c, leaf);
  }

  private static float channel(float[] g, float[] y, float[] mask, boolean relu, int lo, int hi, int channels, int plane, int c, int leaf) {
    if (!BatchTree.isLeaf(lo, hi, leaf)) {
      int mid = BatchTree.middle(lo, hi);
      return channel(g, y, mask, relu, lo, mid, channels, plane, c, leaf) + channel(g, y, mask, relu, mid, hi, channels, plane, c, leaf);
    }
    double sum = 0;
    for (int n = lo; n < hi; n++) {
      int base = (n * channels + c) * plane;
      sum += GRADIENT.applyAndSum(g, y, mask, relu, base, base + plane);
    }
    return (float) sum;
  }

  /**
   * Dense layout: for units [u0, u0 + count) of {@code [batch, units]}, each unit's bias gradient summed over the
   * examples in {@link BatchTree}'s order.
   */
  static void units(float[] g, float[] y, float[] mask, boolean relu, int batch, int units, int u0, int count, float[] biasGrad, int leaf) {
    for (int n = 0; n < batch; n++) {
      GRADIENT.apply(g, y, mask, relu, g, n * units + u0, n * units + u0 + count);
    }
    for (int u = u0; u < u0 + count; u++) {
      biasGrad[u] = unitSum(g, 0, batch, units, u, leaf);
    }
  }

  private static float unitSum(float[] g, int lo, int hi, int units, int u, int leaf) {
    if (!BatchTree.isLeaf(lo, hi, leaf)) {
      int mid = BatchTree.middle(lo, hi);
      return unitSum(g, lo, mid, units, u, leaf) + unitSum(g, mid, hi, units, u, leaf);
    }
    double sum = 0;
    for (int n = lo; n < hi; n++) {
      sum += g[n * units + u];
    }
    return (float) sum;
  }
}
