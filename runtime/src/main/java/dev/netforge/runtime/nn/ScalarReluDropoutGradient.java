package dev.netforge.runtime.nn;

/** One element at a time: the gradient without the Vector API, and the tails of the vector one. */
final class ScalarReluDropoutGradient implements ReluDropoutGradient {
  @Override
  public void apply(float[] g, float[] y, float[] mask, boolean relu, float[] out, int from, int to) {
    for (int i = from; i < to; i++) {
      float v = mask == null ? g[i] : g[i] * mask[i];
      out[i] = relu && !(y[i] > 0f) ? 0f : v;
    }
  }

  @Override
  public double applyAndSum(float[] g, float[] y, float[] mask, boolean relu, int from, int to) {
    boolean identity = mask == null && !relu;
    if (!identity) {
      apply(g, y, mask, relu, g, from, to);
    }
    return sumFrom(g, from, to, 0, 0, 0, 0, 0, 0, 0, 0);
  }

  /**
   * {@link #applyAndSum}'s order from {@code g[from]} on, with the running sums so far: the vector implementation hands
   * its tail here.
   */
  static double sumFrom(float[] g, int from, int to, double s0, double s1, double s2, double s3, double s4, double s5, double s6, double s7) {
    int i = from;
    for (; i + 8 <= to; i += 8) {
      s0 += g[i];
      s1 += g[i + 1];
      s2 += g[i + 2];
      s3 += g[i + 3];
      s4 += g[i + 4];
      s5 += g[i + 5];
      s6 += g[i + 6];
      s7 += g[i + 7];
    }
    for (; i < to; i++) {
      s0 += g[i];
    }
    return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
  }
}
