package dev.netforge.runtime.nn;

import dev.netforge.runtime.gemm.Sgemm;

/**
 * The patch matrix of a convolution: {@code col[(c·k + ky)·k + kx][oy·OW + ox] = x[c][oy·s − p + ky][ox·s − p + kx]}
 * (zero outside the image), and its adjoint, which adds patches back into the image.
 */
final class Im2col {
  private Im2col() {}

  /**
   * Gathers the patch matrix of channels [c0, c0 + groupInputs) of one example straight into the packed-B layout of
   * {@link Sgemm#gemmPackedB}, with no im2col matrix in between: as {@code col} ({@code k} = patch row, {@code n} =
   * output position; the forward GEMM) or as {@code colᵀ} ({@code k} = output position, {@code n} = patch row; the
   * weight-gradient GEMM).
   */
  static void gatherPacked(ConvShape s, float[] x, int xOff, int c0, float[] packed, boolean transposed) {
    if (transposed) {
      gatherByPatchRow(s, x, xOff + c0 * s.inPlane(), packed);
    } else {
      gatherByPosition(s, x, xOff + c0 * s.inPlane(), packed);
    }
  }

  /** {@code col} layout: panels of {@code nr} output positions; within a panel, patch row by patch row. */
  private static void gatherByPosition(ConvShape s, float[] x, int base, float[] packed) {
    int nr = Sgemm.panelWidth();
    int k = s.kernel();
    int plane = s.outPlane();
    int patch = s.patch();
    int[] top = new int[nr];
    int[] left = new int[nr];
    for (int p0 = 0, d = 0; p0 < plane; p0 += nr) {
      int width = Math.min(nr, plane - p0);
      for (int j = 0; j < width; j++) {
        top[j] = (p0 + j) / s.outWidth() * s.stride() - s.padding();
        left[j] = (p0 + j) % s.outWidth() * s.stride() - s.padding();
      }
      for (int c = 0; c < s.groupInputs(); c++) {
        int channel = base + c * s.inPlane();
        for (int ky = 0; ky < k; ky++) {
          for (int kx = 0; kx < k; kx++, d += nr) {
            for (int j = 0; j < width; j++) {
              int iy = top[j] + ky;
              int ix = left[j] + kx;
              packed[d + j] = iy >= 0 && iy < s.inHeight() && ix >= 0 && ix < s.inWidth() ? x[channel + iy * s.inWidth() + ix] : 0f;
            }
          }
        }
      }
    }
  }

  /** {@code colᵀ} layout: panels of {@code nr} patch rows; within a panel, output position by output position. */
  private static void gatherByPatchRow(ConvShape s, float[] x, int base, float[] packed) {
    int nr = Sgemm.panelWidth();
    int k = s.kernel();
    int patch = s.patch();
    int[] offset = new int[nr];
    int[] dy = new int[nr];
    int[] dx = new int[nr];
    for (int r0 = 0, d = 0; r0 < patch; r0 += nr) {
      int width = Math.min(nr, patch - r0);
      for (int j = 0; j < width; j++) {
        int row = r0 + j;
        offset[j] = base + row / (k * k) * s.inPlane();
        dy[j] = row / k % k - s.padding();
        dx[j] = row % k - s.padding();
      }
      for (int oy = 0; oy < s.outHeight(); oy++) {
        for (int ox = 0; ox < s.outWidth(); ox++, d += nr) {
          int y0 = oy * s.stride();
          int x0 = ox * s.stride();
          for (int j = 0; j < width; j++) {
            int iy = y0 + dy[j];
            int ix = x0 + dx[j];
            packed[d + j] = iy >= 0 && iy < s.inHeight() && ix >= 0 && ix < s.inWidth() ? x[offset[j] + iy * s.inWidth() + ix] : 0f;
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
