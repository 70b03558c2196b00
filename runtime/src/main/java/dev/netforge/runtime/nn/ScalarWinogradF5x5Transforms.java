package dev.netforge.runtime.nn;

import dev.netforge.runtime.gemm.Sgemm;

/** {@link WinogradF5x5Transforms} one tile at a time, for JVMs without the Vector API. */
final class ScalarWinogradF5x5Transforms implements WinogradF5x5Transforms {
  private static final int ALPHA = WinogradF3x3Transforms.ALPHA;

  private final WinogradF3x3Transforms sevenBySeven = new ScalarWinogradF3x3Transforms();

  @Override
  public void input(float[] planes, int[] tileAt, int tileAtOff, int width, float[] out, int outOff, int matrix, float[] work) {
    sevenBySeven.input(planes, tileAt, tileAtOff, width, out, outOff, matrix, work);
  }

  @Override
  public void output(float[] products, int productsOff, int matrix, float[] out, int outOff, int ld, float[] work) {
    int nr = Sgemm.panelWidth();
    // work: the five rows of Aᵀ M, seven columns each, then one row's five outputs.
    int rowOut = TILE * ALPHA;
    for (int j = 0; j < nr; j++) {
      int mi = productsOff + j;
      for (int k = 0; k < ALPHA; k++) {
        combine(products, mi + k * matrix, ALPHA * matrix, work, k, ALPHA);
      }
      for (int r = 0; r < TILE; r++) {
        combine(work, ALPHA * r, 1, work, rowOut, 1);
        for (int k = 0; k < TILE; k++) {
          out[outOff + j + (TILE * r + k) * ld] = work[rowOut + k];
        }
      }
    }
  }

  @Override
  public void gradient(float[] tiles, int tilesOff, int stride, float[] out, int outOff, int matrix, float[] work) {
    int nr = Sgemm.panelWidth();
    // work: the five rows of g Aᵀ, seven columns each.
    for (int j = 0; j < nr; j++) {
      for (int i = 0; i < TILE; i++) {
        expand(tiles, tilesOff + j + TILE * i * stride, stride, work, ALPHA * i, 1);
      }
      for (int q = 0; q < ALPHA; q++) {
        expand(work, q, ALPHA, out, outOff + j + q * matrix, ALPHA * matrix);
      }
    }
  }

  /** Five values {@code g[at + i·stride]} expanded by A, into {@code w[to + r·step]} for r &lt; 7. */
  private static void expand(float[] g, int at, int stride, float[] w, int to, int step) {
    float g0 = g[at];
    float g1 = g[at + stride];
    float g2 = g[at + 2 * stride];
    float g3 = g[at + 3 * stride];
    float g4 = g[at + 4 * stride];
    float e = (g0 + g2) + g4;
    float o = g1 + g3;
    float f = (g0 + 0.25f * g2) + 0.0625f * g4;
    float h = 0.5f * g1 + 0.125f * g3;
    w[to] = g0;
    w[to + step] = e + o;
    w[to + 2 * step] = e - o;
    w[to + 3 * step] = f + h;
    w[to + 4 * step] = f - h;
    w[to + 5 * step] = ((g0 + 4f * g2) + 16f * g4) + (2f * g1 + 8f * g3);
    w[to + 6 * step] = g4;
  }

  /** Seven values {@code m[at + i·stride]} combined by Aᵀ, into {@code w[to + r·step]} for r &lt; 5. */
  private static void combine(float[] m, int at, int stride, float[] w, int to, int step) {
    float m0 = m[at];
    float m1 = m[at + stride];
    float m2 = m[at + 2 * stride];
    float m3 = m[at + 3 * stride];
    float m4 = m[at + 4 * stride];
    float m5 = m[at + 5 * stride];
    float m6 = m[at + 6 * stride];
    float a = m1 + m2;
    float b = m1 - m2;
    float c = m3 + m4;
    float d = m3 - m4;
    w[to] = ((m0 + a) + c) + m5;
    w[to + step] = (b + 0.5f * d) + 2f * m5;
    w[to + 2 * step] = (a + 0.25f * c) + 4f * m5;
    w[to + 3 * step] = (b + 0.125f * d) + 8f * m5;
    w[to + 4 * step] = ((a + 0.0625f * c) + 16f * m5) + m6;
  }

  @Override
  public int workSize() {
    return Math.max(TILE * ALPHA + TILE, sevenBySeven.workSize());
  }
}
