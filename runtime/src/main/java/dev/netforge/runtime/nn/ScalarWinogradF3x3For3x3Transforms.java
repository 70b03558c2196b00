package dev.netforge.runtime.nn;

import dev.netforge.runtime.gemm.Sgemm;

/** {@link WinogradF3x3For3x3Transforms} one tile at a time, for JVMs without the Vector API. */
final class ScalarWinogradF3x3For3x3Transforms implements WinogradF3x3For3x3Transforms {
  /** Floats of one pass's results in {@code work}: Bᵀ d's 25 (or Aᵀ M's three rows of five). */
  private static final int HALF = ALPHA * ALPHA;

  @Override
  public void input(float[] planes, int[] tileAt, int tileAtOff, int width, float[] out, int outOff, int matrix, float[] work) {
    int nr = Sgemm.panelWidth();
    // work: Bᵀ d (row r, column k at 5r + k), then one row's five values V[5r…5r+4].
    for (int j = 0; j < nr; j++) {
      int at = tileAt[tileAtOff + j];
      for (int k = 0; k < ALPHA; k++) {
        input(planes, at + k, width, work, k, ALPHA);
      }
      for (int r = 0; r < ALPHA; r++) {
        input(work, ALPHA * r, 1, work, HALF, 1);
        for (int q = 0; q < ALPHA; q++) {
          out[outOff + (ALPHA * r + q) * matrix + j] = work[HALF + q];
        }
      }
    }
  }

  @Override
  public void output(float[] products, int productsOff, int matrix, float[] out, int outOff, int ld, float[] work) {
    int nr = Sgemm.panelWidth();
    // work: Aᵀ M (row r, column k at 5r + k), then one row's three outputs Y[3r…3r+2].
    for (int j = 0; j < nr; j++) {
      for (int k = 0; k < ALPHA; k++) {
        output(products, productsOff + j + k * matrix, ALPHA * matrix, work, k, ALPHA);
      }
      for (int r = 0; r < TILE; r++) {
        output(work, ALPHA * r, 1, work, HALF, 1);
        for (int q = 0; q < TILE; q++) {
          out[outOff + j + (TILE * r + q) * ld] = work[HALF + q];
        }
      }
    }
  }

  /** The input combination of {@code x[at + i·stride]}, i &lt; 5, into {@code w[to + r·step]}, r &lt; 5. */
  private static void input(float[] x, int at, int stride, float[] w, int to, int step) {
    float x0 = x[at];
    float x1 = x[at + stride];
    float x2 = x[at + 2 * stride];
    float x3 = x[at + 3 * stride];
    float x4 = x[at + 4 * stride];
    float s = x3 - x2;
    w[to] = 2f * (x0 - x2) + (x3 - x1);
    w[to + step] = s - 2f * x1;
    w[to + 2 * step] = s + 2f * (x1 - x2);
    w[to + 3 * step] = x3 - x1;
    w[to + 4 * step] = 2f * (x1 - x3) + (x4 - x2);
  }

  /** The output combination of {@code m[at + i·stride]}, i &lt; 5, into {@code w[to + r·step]}, r &lt; 3. */
  private static void output(float[] m, int at, int stride, float[] w, int to, int step) {
    float m0 = m[at];
    float m1 = m[at + stride];
    float m2 = m[at + 2 * stride];
    float m3 = m[at + 3 * stride];
    float m4 = m[at + 4 * stride];
    float a = m1 + m2;
    w[to] = (m0 + a) + m3;
    w[to + step] = (m1 - m2) + 2f * m3;
    w[to + 2 * step] = (a + 4f * m3) + m4;
  }

  @Override
  public int workSize() {
    return HALF + ALPHA;
  }
}
