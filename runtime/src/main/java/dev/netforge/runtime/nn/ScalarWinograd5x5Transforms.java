package dev.netforge.runtime.nn;

import dev.netforge.runtime.gemm.Sgemm;

/** {@link Winograd5x5Transforms} one tile at a time, for JVMs without the Vector API. */
final class ScalarWinograd5x5Transforms implements Winograd5x5Transforms {
  @Override
  public void input(float[] planes, int[] tileAt, int tileAtOff, int width, float[] out, int outOff, int matrix, float[] work) {
    int nr = Sgemm.panelWidth();
    // work: Bᵀ d's 36 values (row i, column k at 6i + k), then one column in and its combination out.
    int in = 36;
    int combined = 42;
    for (int j = 0; j < nr; j++) {
      int at = tileAt[tileAtOff + j];
      for (int k = 0; k < 6; k++) {
        for (int i = 0; i < 6; i++) {
          work[in + i] = planes[at + i * width + k];
        }
        combine(work, in, combined);
        for (int i = 0; i < 6; i++) {
          work[6 * i + k] = work[combined + i];
        }
      }
      for (int i = 0; i < 6; i++) {
        combine(work, 6 * i, combined);
        for (int k = 0; k < 6; k++) {
          out[outOff + (6 * i + k) * matrix + j] = work[combined + k];
        }
      }
    }
  }

  /** Six values of {@code w} from {@code in} combined as one column of Bᵀ d, into six from {@code out}. */
  private static void combine(float[] w, int in, int out) {
    float d0 = w[in];
    float d1 = w[in + 1];
    float d2 = w[in + 2];
    float d3 = w[in + 3];
    float d4 = w[in + 4];
    float d5 = w[in + 5];
    float a = d4 - d2;
    float b = d3 - d1;
    w[out] = 4f * (d0 - d2) + a;
    w[out + 1] = (d3 + d4) - 4f * (d1 + d2);
    w[out + 2] = (d4 - d3) + 4f * (d1 - d2);
    w[out + 3] = a + 2f * b;
    w[out + 4] = a - 2f * b;
    w[out + 5] = 4f * (d1 - d3) + (d5 - d3);
  }

  @Override
  public void output(float[] products, int productsOff, int matrix, float[] out, int outOff, int ld, float[] work) {
    int nr = Sgemm.panelWidth();
    // work: the rows s and t of Aᵀ M, six columns each.
    for (int j = 0; j < nr; j++) {
      int mi = productsOff + j;
      for (int k = 0; k < 6; k++) {
        float m0 = products[mi + k * matrix];
        float m1 = products[mi + (6 + k) * matrix];
        float m2 = products[mi + (12 + k) * matrix];
        float m3 = products[mi + (18 + k) * matrix];
        float m4 = products[mi + (24 + k) * matrix];
        float m5 = products[mi + (30 + k) * matrix];
        work[k] = (m0 + (m1 + m2)) + (m3 + m4);
        work[6 + k] = ((m1 - m2) + 2f * (m3 - m4)) + m5;
      }
      int v = outOff + j;
      for (int r = 0; r < 2; r++) {
        int x = 6 * r;
        out[v + 2 * r * ld] = (work[x] + (work[x + 1] + work[x + 2])) + (work[x + 3] + work[x + 4]);
        out[v + (2 * r + 1) * ld] = ((work[x + 1] - work[x + 2]) + 2f * (work[x + 3] - work[x + 4])) + work[x + 5];
      }
    }
  }

  @Override
  public int workSize() {
    return 48;
  }
}
