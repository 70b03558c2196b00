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

  @Override
  public void gradient(float[] tiles, int tilesOff, int stride, float[] out, int outOff, int matrix, float[] work) {
    int nr = Sgemm.panelWidth();
    // work: the four rows of g Aᵀ, six columns each.
    for (int j = 0; j < nr; j++) {
      int at = tilesOff + j;
      for (int i = 0; i < 4; i++) {
        int row = at + 4 * i * stride;
        expand(tiles[row], tiles[row + stride], tiles[row + 2 * stride], tiles[row + 3 * stride], work, 6 * i, 1);
      }
      for (int q = 0; q < 6; q++) {
        expand(work[q], work[6 + q], work[12 + q], work[18 + q], out, outOff + j + q * matrix, 6 * matrix);
      }
    }
  }

  /** Four values expanded by A, into {@code w[at + r·step]} for r &lt; 6. */
  private static void expand(float g0, float g1, float g2, float g3, float[] w, int at, int step) {
    float a = g0 + g2;
    float b = g1 + g3;
    float c = g0 + 4f * g2;
    float d = 2f * g1 + 8f * g3;
    w[at] = g0;
    w[at + step] = a + b;
    w[at + 2 * step] = a - b;
    w[at + 3 * step] = c + d;
    w[at + 4 * step] = c - d;
    w[at + 5 * step] = g3;
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
