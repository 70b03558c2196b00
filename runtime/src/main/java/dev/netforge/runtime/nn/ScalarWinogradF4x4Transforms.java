package dev.netforge.runtime.nn;

import dev.netforge.runtime.gemm.Sgemm;

/** {@link WinogradF4x4Transforms} one tile at a time, for JVMs without the Vector API. */
final class ScalarWinogradF4x4Transforms implements WinogradF4x4Transforms {
  private final Winograd5x5Transforms sixBySix = new ScalarWinograd5x5Transforms();

  @Override
  public void input(float[] planes, int[] tileAt, int tileAtOff, int width, float[] out, int outOff, int matrix, float[] work) {
    sixBySix.input(planes, tileAt, tileAtOff, width, out, outOff, matrix, work);
  }

  @Override
  public void output(float[] products, int productsOff, int matrix, float[] out, int outOff, int ld, float[] work) {
    int nr = Sgemm.panelWidth();
    // work: the four rows of Aᵀ M, six columns each, then one row's four outputs.
    for (int j = 0; j < nr; j++) {
      int mi = productsOff + j;
      for (int k = 0; k < 6; k++) {
        combine(
            products[mi + k * matrix],
            products[mi + (6 + k) * matrix],
            products[mi + (12 + k) * matrix],
            products[mi + (18 + k) * matrix],
            products[mi + (24 + k) * matrix],
            products[mi + (30 + k) * matrix],
            work,
            k,
            6);
      }
      int v = outOff + j;
      for (int r = 0; r < 4; r++) {
        int x = 6 * r;
        combine(work[x], work[x + 1], work[x + 2], work[x + 3], work[x + 4], work[x + 5], work, 24, 1);
        for (int k = 0; k < 4; k++) {
          out[v + (4 * r + k) * ld] = work[24 + k];
        }
      }
    }
  }

  /** Six values combined by Aᵀ, into {@code w[at]}, {@code w[at + step]}, {@code w[at + 2·step]}, {@code w[at + 3·step]}. */
  private static void combine(float m0, float m1, float m2, float m3, float m4, float m5, float[] w, int at, int step) {
    float a = m1 + m2;
    float b = m1 - m2;
    float c = m3 + m4;
    float d = m3 - m4;
    w[at] = (m0 + a) + c;
    w[at + step] = b + 2f * d;
    w[at + 2 * step] = a + 4f * c;
    w[at + 3 * step] = (b + 8f * d) + m5;
  }

  @Override
  public int workSize() {
    return Math.max(28, sixBySix.workSize());
  }
}
