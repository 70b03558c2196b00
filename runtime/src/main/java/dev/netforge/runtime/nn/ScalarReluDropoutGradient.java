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
    apply(g, y, mask, relu, g, from, to);
    int groups = (to - from) / 16;
    double u0 = (column(g, from, groups, 0) + column(g, from, groups, 8)) + (column(g, from, groups, 4) + column(g, from, groups, 12));
    double u1 = (column(g, from, groups, 1) + column(g, from, groups, 9)) + (column(g, from, groups, 5) + column(g, from, groups, 13));
    double u2 = (column(g, from, groups, 2) + column(g, from, groups, 10)) + (column(g, from, groups, 6) + column(g, from, groups, 14));
    double u3 = (column(g, from, groups, 3) + column(g, from, groups, 11)) + (column(g, from, groups, 7) + column(g, from, groups, 15));
    double sum = (u0 + u1) + (u2 + u3);
    for (int i = from + 16 * groups; i < to; i++) {
      sum += g[i];
    }
    return sum;
  }

  /** Running sum {@code S_j} of {@link #applyAndSum}: elements {@code from + j + 16·i} for {@code i < groups}. */
  private static double column(float[] g, int from, int groups, int j) {
    double s = 0;
    for (int i = 0; i < groups; i++) {
      s += g[from + j + 16 * i];
    }
    return s;
  }
}
