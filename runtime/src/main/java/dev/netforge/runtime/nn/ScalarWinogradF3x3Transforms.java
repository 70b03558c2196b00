package dev.netforge.runtime.nn;

import dev.netforge.runtime.gemm.Sgemm;

/** {@link WinogradF3x3Transforms} one tile at a time, for JVMs without the Vector API. */
final class ScalarWinogradF3x3Transforms implements WinogradF3x3Transforms {
  @Override
  public void input(float[] planes, int[] tileAt, int tileAtOff, int width, float[] out, int outOff, int matrix, float[] work) {
    int nr = Sgemm.panelWidth();
    // work: Bᵀ d's 49 values (row r, column k at 7r + k).
    for (int j = 0; j < nr; j++) {
      int at = tileAt[tileAtOff + j];
      for (int k = 0; k < ALPHA; k++) {
        for (int r = 0; r < ALPHA; r++) {
          float sum = 0f;
          for (int i = 0; i < ALPHA; i++) {
            sum = Math.fma(INPUT[r * ALPHA + i], planes[at + i * width + k], sum);
          }
          work[ALPHA * r + k] = sum;
        }
      }
      for (int r = 0; r < ALPHA; r++) {
        for (int q = 0; q < ALPHA; q++) {
          float sum = 0f;
          for (int c = 0; c < ALPHA; c++) {
            sum = Math.fma(INPUT[q * ALPHA + c], work[ALPHA * r + c], sum);
          }
          out[outOff + (ALPHA * r + q) * matrix + j] = sum;
        }
      }
    }
  }

  @Override
  public void output(float[] products, int productsOff, int matrix, float[] out, int outOff, int ld, float[] work) {
    int nr = Sgemm.panelWidth();
    // work: Aᵀ M's three rows, seven columns each.
    for (int j = 0; j < nr; j++) {
      int mi = productsOff + j;
      for (int k = 0; k < ALPHA; k++) {
        for (int r = 0; r < TILE; r++) {
          float sum = 0f;
          for (int i = 0; i < ALPHA; i++) {
            sum = Math.fma(OUTPUT[r * ALPHA + i], products[mi + (ALPHA * i + k) * matrix], sum);
          }
          work[ALPHA * r + k] = sum;
        }
      }
      for (int r = 0; r < TILE; r++) {
        for (int q = 0; q < TILE; q++) {
          float sum = 0f;
          for (int c = 0; c < ALPHA; c++) {
            sum = Math.fma(OUTPUT[q * ALPHA + c], work[ALPHA * r + c], sum);
          }
          out[outOff + j + (TILE * r + q) * ld] = sum;
        }
      }
    }
  }

  @Override
  public int workSize() {
    return ALPHA * ALPHA;
  }
}
