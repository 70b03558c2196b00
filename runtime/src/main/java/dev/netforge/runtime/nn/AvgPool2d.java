package dev.netforge.runtime.nn;

import dev.netforge.runtime.Parallel;

/**
 * Average pooling of one tower's channels [c0, c0 + count) as PyTorch's {@code avg_pool2d} with
 * {@code count_include_pad = True}, plane by plane:
 *
 * <pre>
 * forward:  y[oy, ox] = Σ_{ky, kx} x[oy·s − p + ky, ox·s − p + kx] / k²      (padding reads as zero, still counted)
 * backward: dx[iy, ix] = Σ over the windows that hold (iy, ix) of dy[oy, ox] / k²
 * </pre>
 *
 * <p>Backward gathers, one input at a time, from the windows that cover it, so that no two writes meet and no zeroing
 * pass is needed.
 */
public final class AvgPool2d extends Stage {
  private final PoolShape s;
  private final int c0;
  private final int count;

  private final Parallel.RangeBody forwardPlanes = this::forwardPlanes;
  private final Parallel.RangeBody backwardPlanes = this::backwardPlanes;

  /** Pools channels [c0, c0 + count) of every example. */
  public AvgPool2d(PoolShape s, int c0, int count) {
    this.s = s;
    this.c0 = c0;
    this.count = count;
  }

  /** Binds the forward pass's arrays. */
  public void bind(float[] x, float[] y) {
    bindInputOutput(x, y);
  }

  @Override
  protected void computeForward(int batch, boolean training) {
    Parallel.shared().forRange(batch * count, forwardPlanes);
  }

  /** Writes, not adds, ∂x. */
  @Override
  protected void computeBackward(int batch, boolean training) {
    Parallel.shared().forRange(batch * count, backwardPlanes);
  }

  /** The plane index of the {@code i}-th (example, channel) pair of this object's channels. */
  private int plane(int i) {
    return i / count * s.channels() + c0 + i % count;
  }

  /** Forward, planes {@code [first, end)} in (example, channel) order. */
  private void forwardPlanes(int worker, int first, int end) {
    float[] in = x;
    float[] out = y;
    float scale = 1f / (s.kernel() * s.kernel());
    for (int i = first; i < end; i++) {
      int p = plane(i);
      int inBase = p * s.inPlane();
      int outBase = p * s.outPlane();
      for (int oy = 0; oy < s.outHeight(); oy++) {
        int y0 = oy * s.stride() - s.padding();
        int yLo = Math.max(y0, 0);
        int yHi = Math.min(y0 + s.kernel(), s.inHeight());
        for (int ox = 0; ox < s.outWidth(); ox++) {
          int x0 = ox * s.stride() - s.padding();
          int xLo = Math.max(x0, 0);
          int xHi = Math.min(x0 + s.kernel(), s.inWidth());
          float sum = 0;
          for (int iy = yLo; iy < yHi; iy++) {
            for (int ix = xLo; ix < xHi; ix++) {
              sum += in[inBase + iy * s.inWidth() + ix];
            }
          }
          out[outBase + oy * s.outWidth() + ox] = sum * scale;
        }
      }
    }
  }

  /** Backward, planes {@code [first, end)} in (example, channel) order. */
  private void backwardPlanes(int worker, int first, int end) {
    float[] g = dy;
    float[] d = dx;
    float scale = 1f / (s.kernel() * s.kernel());
    for (int i = first; i < end; i++) {
      int p = plane(i);
      int inBase = p * s.inPlane();
      int outBase = p * s.outPlane();
      for (int iy = 0; iy < s.inHeight(); iy++) {
        // Windows oy with oy·s − p ≤ iy < oy·s − p + k.
        int oyLo = Math.max(0, Math.floorDiv(iy + s.padding() - s.kernel(), s.stride()) + 1);
        int oyHi = Math.min(s.outHeight() - 1, Math.floorDiv(iy + s.padding(), s.stride()));
        for (int ix = 0; ix < s.inWidth(); ix++) {
          int oxLo = Math.max(0, Math.floorDiv(ix + s.padding() - s.kernel(), s.stride()) + 1);
          int oxHi = Math.min(s.outWidth() - 1, Math.floorDiv(ix + s.padding(), s.stride()));
          float sum = 0;
          for (int oy = oyLo; oy <= oyHi; oy++) {
            for (int ox = oxLo; ox <= oxHi; ox++) {
              sum += g[outBase + oy * s.outWidth() + ox];
            }
          }
          d[inBase + iy * s.inWidth() + ix] = sum * scale;
        }
      }
    }
  }
}
