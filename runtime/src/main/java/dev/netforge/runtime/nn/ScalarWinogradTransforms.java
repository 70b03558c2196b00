package dev.netforge.runtime.nn;

import dev.netforge.runtime.gemm.Sgemm;

/** {@link WinogradTransforms} one tile at a time, for JVMs without the Vector API. */
final class ScalarWinogradTransforms implements WinogradTransforms {
  @Override
  public void input(float[] planes, int[] tileAt, int tileAtOff, int width, float[] out, int outOff, int matrix, float[] work) {
    int nr = Sgemm.panelWidth();
    for (int j = 0; j < nr; j++) {
      int r0 = tileAt[tileAtOff + j];
      int r1 = r0 + width;
      int r2 = r1 + width;
      int r3 = r2 + width;
      int v = outOff + j;
      float a0 = planes[r0] - planes[r2];
      float a1 = planes[r0 + 1] - planes[r2 + 1];
      float a2 = planes[r0 + 2] - planes[r2 + 2];
      float a3 = planes[r0 + 3] - planes[r2 + 3];
      float b0 = planes[r1] + planes[r2];
      float b1 = planes[r1 + 1] + planes[r2 + 1];
      float b2 = planes[r1 + 2] + planes[r2 + 2];
      float b3 = planes[r1 + 3] + planes[r2 + 3];
      float c0 = planes[r2] - planes[r1];
      float c1 = planes[r2 + 1] - planes[r1 + 1];
      float c2 = planes[r2 + 2] - planes[r1 + 2];
      float c3 = planes[r2 + 3] - planes[r1 + 3];
      float e0 = planes[r1] - planes[r3];
      float e1 = planes[r1 + 1] - planes[r3 + 1];
      float e2 = planes[r1 + 2] - planes[r3 + 2];
      float e3 = planes[r1 + 3] - planes[r3 + 3];
      out[v] = a0 - a2;
      out[v + matrix] = a1 + a2;
      out[v + 2 * matrix] = a2 - a1;
      out[v + 3 * matrix] = a1 - a3;
      out[v + 4 * matrix] = b0 - b2;
      out[v + 5 * matrix] = b1 + b2;
      out[v + 6 * matrix] = b2 - b1;
      out[v + 7 * matrix] = b1 - b3;
      out[v + 8 * matrix] = c0 - c2;
      out[v + 9 * matrix] = c1 + c2;
      out[v + 10 * matrix] = c2 - c1;
      out[v + 11 * matrix] = c1 - c3;
      out[v + 12 * matrix] = e0 - e2;
      out[v + 13 * matrix] = e1 + e2;
      out[v + 14 * matrix] = e2 - e1;
      out[v + 15 * matrix] = e1 - e3;
    }
  }

  @Override
  public void gradient(float[] quads, int quadsOff, int stride, float[] out, int outOff, int matrix, float[] work) {
    int nr = Sgemm.panelWidth();
    for (int j = 0; j < nr; j++) {
      int at = quadsOff + j;
      float g00 = quads[at];
      float g01 = quads[at + stride];
      float g10 = quads[at + 2 * stride];
      float g11 = quads[at + 3 * stride];
      float u1 = 0.5f * (g00 + g10);
      float v1 = 0.5f * (g01 + g11);
      float u2 = 0.5f * (g00 - g10);
      float v2 = 0.5f * (g01 - g11);
      int v = outOff + j;
      gradientRow(out, v, matrix, g00, g01);
      gradientRow(out, v + 4 * matrix, matrix, u1, v1);
      gradientRow(out, v + 8 * matrix, matrix, u2, v2);
      gradientRow(out, v + 12 * matrix, matrix, -g10, -g11);
    }
  }

  private static void gradientRow(float[] out, int at, int matrix, float u, float v) {
    out[at] = u;
    out[at + matrix] = 0.5f * (u + v);
    out[at + 2 * matrix] = 0.5f * (u - v);
    out[at + 3 * matrix] = -v;
  }

  @Override
  public void output(float[] products, int productsOff, int matrix, float[] out, int outOff, int ld, float[] work) {
    int nr = Sgemm.panelWidth();
    for (int j = 0; j < nr; j++) {
      int m = productsOff + j;
      float s00 = (products[m] + products[m + 4 * matrix]) + products[m + 8 * matrix];
      float s01 = (products[m + matrix] + products[m + 5 * matrix]) + products[m + 9 * matrix];
      float s02 = (products[m + 2 * matrix] + products[m + 6 * matrix]) + products[m + 10 * matrix];
      float s03 = (products[m + 3 * matrix] + products[m + 7 * matrix]) + products[m + 11 * matrix];
      float s10 = (products[m + 4 * matrix] - products[m + 8 * matrix]) - products[m + 12 * matrix];
      float s11 = (products[m + 5 * matrix] - products[m + 9 * matrix]) - products[m + 13 * matrix];
      float s12 = (products[m + 6 * matrix] - products[m + 10 * matrix]) - products[m + 14 * matrix];
      float s13 = (products[m + 7 * matrix] - products[m + 11 * matrix]) - products[m + 15 * matrix];
      int y = outOff + j;
      out[y] = (s00 + s01) + s02;
      out[y + ld] = (s01 - s02) - s03;
      out[y + 2 * ld] = (s10 + s11) + s12;
      out[y + 3 * ld] = (s11 - s12) - s13;
    }
  }

  @Override
  public int workSize() {
    return 0;
  }
}
