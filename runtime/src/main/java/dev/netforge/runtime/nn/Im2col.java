package dev.netforge.runtime.nn;

/**
 * The patch matrix of a convolution: {@code col[(c·k + ky)·k + kx][oy·OW + ox] = x[c][oy·s − p + ky][ox·s − p + kx]}
 * (zero outside the image), and its adjoint, which adds patches back into the image.
 */
final class Im2col {
  private Im2col() {}

  /** Gathers channels [c0, c0 + groupInputs) of one example starting at {@code xOff}. */
  static void gather(ConvShape s, float[] x, int xOff, int c0, float[] col) {
    int k = s.kernel();
    int oh = s.outHeight();
    int ow = s.outWidth();
    int row = 0;
    for (int c = 0; c < s.groupInputs(); c++) {
      int plane = xOff + (c0 + c) * s.inPlane();
      for (int ky = 0; ky < k; ky++) {
        for (int kx = 0; kx < k; kx++, row++) {
          int d = row * oh * ow;
          for (int oy = 0; oy < oh; oy++) {
            int iy = oy * s.stride() - s.padding() + ky;
            if (iy < 0 || iy >= s.inHeight()) {
              java.util.Arrays.fill(col, d, d + ow, 0f);
              d += ow;
              continue;
            }
            int src = plane + iy * s.inWidth();
            for (int ox = 0; ox < ow; ox++, d++) {
              int ix = ox * s.stride() - s.padding() + kx;
              col[d] = ix >= 0 && ix < s.inWidth() ? x[src + ix] : 0f;
            }
          }
        }
      }
    }
  }

  /** Adds {@code col} back into channels [c0, c0 + groupInputs) of one example's gradient at {@code dxOff}. */
  static void scatterAdd(ConvShape s, float[] col, float[] dx, int dxOff, int c0) {
    int k = s.kernel();
    int oh = s.outHeight();
    int ow = s.outWidth();
    int row = 0;
    for (int c = 0; c < s.groupInputs(); c++) {
      int plane = dxOff + (c0 + c) * s.inPlane();
      for (int ky = 0; ky < k; ky++) {
        for (int kx = 0; kx < k; kx++, row++) {
          int d = row * oh * ow;
          for (int oy = 0; oy < oh; oy++) {
            int iy = oy * s.stride() - s.padding() + ky;
            if (iy < 0 || iy >= s.inHeight()) {
              d += ow;
              continue;
            }
            int dst = plane + iy * s.inWidth();
            for (int ox = 0; ox < ow; ox++, d++) {
              int ix = ox * s.stride() - s.padding() + kx;
              if (ix >= 0 && ix < s.inWidth()) {
                dx[dst + ix] += col[d];
              }
            }
          }
        }
      }
    }
  }
}
