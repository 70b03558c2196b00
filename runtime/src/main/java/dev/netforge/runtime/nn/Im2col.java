package dev.netforge.runtime.nn;

import dev.netforge.runtime.gemm.Sgemm;

/**
 * The patch matrix of a convolution: {@code col[(c·k + ky)·k + kx][oy·OW + ox] = x[c][oy·s − p + ky][ox·s − p + kx]}
 * (zero outside the image), and its adjoint, which adds patches back into the image.
 */
final class Im2col {
  private Im2col() {}

  /**
   * Gathers the patch matrices of channels [c0, c0 + groupInputs) of {@code count} consecutive examples from
   * {@code first} straight into the packed-B layout of {@link Sgemm#gemmPackedB}, with no im2col matrix in between,
   * the examples side by side: as {@code col} ({@code k} = patch row, {@code n} = (example, output position); the
   * forward GEMM) or as {@code colᵀ} ({@code k} = (example, output position), {@code n} = patch row; the
   * weight-gradient GEMM).
   */
  static void gatherPacked(ConvShape s, float[] x, int first, int count, int c0, float[] packed, boolean transposed) {
    int example = s.inChannels() * s.inPlane();
    int base = first * example + c0 * s.inPlane();
    if (transposed) {
      gatherByPatchRow(s, x, base, example, count, packed);
    } else {
      gatherByPosition(s, x, base, example, count, packed);
    }
  }

  /** {@code col} layout: panels of {@code nr} columns; within a panel, patch row by patch row. */
  private static void gatherByPosition(ConvShape s, float[] x, int base, int example, int count, float[] packed) {
    int nr = Sgemm.panelWidth();
    int k = s.kernel();
    int plane = s.outPlane();
    int columns = count * plane;
    int[] origin = new int[nr];
    int[] top = new int[nr];
    int[] left = new int[nr];
    for (int j0 = 0, d = 0; j0 < columns; j0 += nr) {
      int width = Math.min(nr, columns - j0);
      for (int j = 0; j < width; j++) {
        int p = (j0 + j) % plane;
        origin[j] = base + (j0 + j) / plane * example;
        top[j] = p / s.outWidth() * s.stride() - s.padding();
        left[j] = p % s.outWidth() * s.stride() - s.padding();
      }
      for (int c = 0; c < s.groupInputs(); c++) {
        int channel = c * s.inPlane();
        for (int ky = 0; ky < k; ky++) {
          for (int kx = 0; kx < k; kx++, d += nr) {
            for (int j = 0; j < width; j++) {
              int iy = top[j] + ky;
              int ix = left[j] + kx;
              packed[d + j] =
                  iy >= 0 && iy < s.inHeight() && ix >= 0 && ix < s.inWidth() ? x[origin[j] + channel + iy * s.inWidth() + ix] : 0f;
            }
          }
        }
      }
    }
  }

  /** {@code colᵀ} layout: panels of {@code nr} patch rows; within a panel, (example, output position) in turn. */
  private static void gatherByPatchRow(ConvShape s, float[] x, int base, int example, int count, float[] packed) {
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
        offset[j] = row / (k * k) * s.inPlane();
        dy[j] = row / k % k - s.padding();
        dx[j] = row % k - s.padding();
      }
      for (int e = 0; e < count; e++) {
        int origin = base + e * example;
        for (int oy = 0; oy < s.outHeight(); oy++) {
          for (int ox = 0; ox < s.outWidth(); ox++, d += nr) {
            int y0 = oy * s.stride();
            int x0 = ox * s.stride();
            for (int j = 0; j < width; j++) {
              int iy = y0 + dy[j];
              int ix = x0 + dx[j];
              packed[d + j] =
                  iy >= 0 && iy < s.inHeight() && ix >= 0 && ix < s.inWidth() ? x[origin + offset[j] + iy * s.inWidth() + ix] : 0f;
            }
          }
        }
      }
    }
  }

  /**
   * Adds one example's {@code col} back into channels [c0, c0 + groupInputs) of its gradient at {@code dxOff}; its
   * columns start at {@code colOff} in rows {@code colStride} long (several examples' columns side by side).
   */
  static void scatterAdd(ConvShape s, float[] col, int colOff, int colStride, float[] dx, int dxOff, int c0) {
    int k = s.kernel();
    int oh = s.outHeight();
    int ow = s.outWidth();
    int row = 0;
    for (int c = 0; c < s.groupInputs(); c++) {
      int plane = dxOff + (c0 + c) * s.inPlane();
      for (int ky = 0; ky < k; ky++) {
        for (int kx = 0; kx < k; kx++, row++) {
          int d = colOff + row * colStride;
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
