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
          work[ALPHA * r + k] = combine(INPUT, r, planes, at + k, width);
        }
      }
      for (int r = 0; r < ALPHA; r++) {
        for (int q = 0; q < ALPHA; q++) {
          out[outOff + (ALPHA * r + q) * matrix + j] = combine(INPUT, q, work, ALPHA * r, 1);
        }
      }
    }
  }

  @Override
  public void output(float[] products, int productsOff, int matrix, float[] out, int outOff, int ld, float[] work) {
    int nr = Sgemm.panelWidth();
    // work: Aᵀ M's three rows, seven columns each.
    for (int j = 0; j < nr; j++) {
      for (int k = 0; k < ALPHA; k++) {
        for (int r = 0; r < TILE; r++) {
          work[ALPHA * r + k] = combine(OUTPUT, r, products, productsOff + j + k * matrix, ALPHA * matrix);
        }
      }
      for (int r = 0; r < TILE; r++) {
        for (int q = 0; q < TILE; q++) {
          out[outOff + j + (TILE * r + q) * ld] = combine(OUTPUT, q, work, ALPHA * r, 1);
        }
      }
    }
  }

  @Override
  public void gradient(float[] tiles, int tilesOff, int stride, float[] out, int outOff, int matrix, float[] work) {
    int nr = Sgemm.panelWidth();
    // work: g Aᵀ's three rows, seven columns each.
    for (int j = 0; j < nr; j++) {
      for (int i = 0; i < TILE; i++) {
        for (int q = 0; q < ALPHA; q++) {
          work[ALPHA * i + q] = combineColumn(q, tiles, tilesOff + j + TILE * i * stride, stride);
        }
      }
      for (int r = 0; r < ALPHA; r++) {
        for (int q = 0; q < ALPHA; q++) {
          out[outOff + (ALPHA * r + q) * matrix + j] = combineColumn(r, work, q, ALPHA);
        }
      }
    }
  }

  @Override
  public void addInputGradient(float[] products, int at, int matrix, int channels, float[] plane, int planeAt, int width, float[] work) {
    // work: ∂V B's 49 values (row r, column k at 7r + k), one channel at a time.
    for (int c = 0; c < channels; c++) {
      for (int r = 0; r < ALPHA; r++) {
        for (int k = 0; k < ALPHA; k++) {
          work[ALPHA * r + k] = combine(INPUT, k, ALPHA, ALPHA, products, at + ALPHA * r * matrix + c, matrix);
        }
      }
      for (int i = 0; i < ALPHA; i++) {
        for (int k = 0; k < ALPHA; k++) {
          int to = planeAt + (i * width + k) * channels + c;
          plane[to] += combine(INPUT, i, ALPHA, ALPHA, work, k, ALPHA);
        }
      }
    }
  }

  /** Column {@code column} of Aᵀ (three values) applied to {@code values[at + k·stride]}, k &lt; 3. */
  private static float combineColumn(int column, float[] values, int at, int stride) {
    return combine(OUTPUT, column, ALPHA, TILE, values, at, stride);
  }

  /** Row {@code row} of {@code coefficients} (seven a row) applied to {@code values[at + i·stride]}, i &lt; 7. */
  private static float combine(float[] coefficients, int row, float[] values, int at, int stride) {
    return combine(coefficients, row * ALPHA, 1, ALPHA, values, at, stride);
  }

  /**
   * {@code Σ coefficients[first + i·step] · values[at + i·stride]} over i &lt; count, from +0, one fused multiply-add per
   * nonzero coefficient, left to right.
   */
  private static float combine(float[] coefficients, int first, int step, int count, float[] values, int at, int stride) {
    float sum = 0f;
    for (int i = 0; i < count; i++) {
      float coefficient = coefficients[first + i * step];
      if (coefficient != 0f) {
        sum = Math.fma(coefficient, values[at + i * stride], sum);
      }
    }
    return sum;
  }

  @Override
  public int workSize() {
    return ALPHA * ALPHA;
  }
}
