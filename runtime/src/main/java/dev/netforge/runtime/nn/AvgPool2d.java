package dev.netforge.runtime.nn;

import dev.netforge.runtime.Parallel;

/**
 * Average pooling as PyTorch's {@code avg_pool2d} with {@code count_include_pad = True}, plane by plane:
 *
 * <pre>
 * forward:  y[oy, ox] = Σ_{ky, kx} x[oy·s − p + ky, ox·s − p + kx] / k²      (padding reads as zero, still counted)
 * backward: dx[iy, ix] = Σ over the windows that hold (iy, ix) of dy[oy, ox] / k²
 * </pre>
 *
 * <p>Backward gathers, one input at a time, from the windows that cover it, so that no two writes meet and no zeroing
 * pass is needed. Each pass's loop body is a {@link Parallel.Loop} kept per calling thread, as {@link MaxPool2d}'s.
 */
public final class AvgPool2d {
  private static final ThreadLocal<Forward> FORWARD = ThreadLocal.withInitial(Forward::new);
  private static final ThreadLocal<Backward> BACKWARD = ThreadLocal.withInitial(Backward::new);

  private AvgPool2d() {}

  /** Forward over channels [c0, c0 + count) (one tower's) of every example. */
  public static void forward(PoolShape s, int c0, int count, float[] x, float[] y, int batch) {
    Forward loop = FORWARD.get();
    loop.s = s;
    loop.c0 = c0;
    loop.count = count;
    loop.x = x;
    loop.y = y;
    Parallel.shared().forRange(batch * count, loop);
  }

  /** Backward over channels [c0, c0 + count) of every example: writes, not adds, ∂x. */
  public static void backward(PoolShape s, int c0, int count, float[] dy, float[] dx, int batch) {
    Backward loop = BACKWARD.get();
    loop.s = s;
    loop.c0 = c0;
    loop.count = count;
    loop.dy = dy;
    loop.dx = dx;
    Parallel.shared().forRange(batch * count, loop);
  }

  /** The plane index of the {@code i}-th (example, channel) pair of a tower's channels. */
  private static int plane(PoolShape s, int c0, int count, int i) {
    return i / count * s.channels() + c0 + i % count;
  }

  private static final class Forward extends Parallel.Loop {
    PoolShape s;
    int c0;
    int count;
    float[] x;
    float[] y;

    @Override
    protected void clear() {
      x = y = null;
    }

    /** Planes {@code [first, end)} in (example, channel) order. */
    @Override
    public void run(int worker, int first, int end) {
      float scale = 1f / (s.kernel() * s.kernel());
      for (int i = first; i < end; i++) {
        int p = plane(s, c0, count, i);
        int in = p * s.inPlane();
        int out = p * s.outPlane();
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
                sum += x[in + iy * s.inWidth() + ix];
              }
            }
            y[out + oy * s.outWidth() + ox] = sum * scale;
          }
        }
      }
    }
  }

  private static final class Backward extends Parallel.Loop {
    PoolShape s;
    int c0;
    int count;
    float[] dy;
    float[] dx;

    @Override
    protected void clear() {
      dy = dx = null;
    }

    /** Planes {@code [first, end)} in (example, channel) order. */
    @Override
    public void run(int worker, int first, int end) {
      float scale = 1f / (s.kernel() * s.kernel());
      for (int i = first; i < end; i++) {
        int p = plane(s, c0, count, i);
        int in = p * s.inPlane();
        int out = p * s.outPlane();
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
                sum += dy[out + oy * s.outWidth() + ox];
              }
            }
            dx[in + iy * s.inWidth() + ix] = sum * scale;
          }
        }
      }
    }
  }
}
