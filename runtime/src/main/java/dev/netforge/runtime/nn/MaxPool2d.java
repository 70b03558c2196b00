package dev.netforge.runtime.nn;

import dev.netforge.runtime.Parallel;
import java.util.Arrays;

/**
 * Max pooling in one pass per plane, recording where each maximum came from; backward routes each gradient to that
 * arg-max (windows overlap at stride &lt; kernel, so one input can receive several).
 */
public final class MaxPool2d {
  private MaxPool2d() {}

  /** Forward over channels [c0, c0 + count) (one tower's) of every example. */
  public static void forward(PoolShape s, int c0, int count, float[] x, float[] y, int[] argmax, int batch) {
    Parallel.shared()
        .forRange(
            batch * count,
            (w, first, end) -> {
              for (int i = first; i < end; i++) {
                int p = i / count * s.channels() + c0 + i % count;
                int in = p * s.inPlane();
                int out = p * s.outPlane();
                for (int oy = 0; oy < s.outHeight(); oy++) {
                  for (int ox = 0; ox < s.outWidth(); ox++, out++) {
                    // The running maximum in a register: comparing against x[best] made every step wait for
                    // the load behind the last step's choice.
                    int best = in + oy * s.stride() * s.inWidth() + ox * s.stride();
                    float max = x[best];
                    for (int ky = 0; ky < s.kernel(); ky++) {
                      int row = in + (oy * s.stride() + ky) * s.inWidth() + ox * s.stride();
                      for (int kx = 0; kx < s.kernel(); kx++) {
                        float v = x[row + kx];
                        if (v > max) {
                          max = v;
                          best = row + kx;
                        }
                      }
                    }
                    y[out] = max;
                    argmax[out] = best;
                  }
                }
              }
            });
  }

  /** Backward over channels [c0, c0 + count) of every example. */
  public static void backward(PoolShape s, int c0, int count, float[] dy, int[] argmax, float[] dx, int batch) {
    Parallel.shared()
        .forRange(
            batch,
            (w, first, end) -> {
              for (int n = first; n < end; n++) {
                int p = n * s.channels() + c0;
                Arrays.fill(dx, p * s.inPlane(), (p + count) * s.inPlane(), 0f);
                for (int o = p * s.outPlane(); o < (p + count) * s.outPlane(); o++) {
                  dx[argmax[o]] += dy[o];
                }
              }
            });
  }
}
