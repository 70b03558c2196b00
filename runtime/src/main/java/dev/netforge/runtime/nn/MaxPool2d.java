package dev.netforge.runtime.nn;

import dev.netforge.runtime.Parallel;
import java.util.Arrays;

/**
 * Max pooling plane by plane ({@link MaxPoolPlane}: in whole vectors when the Vector API is there), recording where
 * each maximum came from; backward routes each gradient to that arg-max (windows overlap at stride &lt; kernel, so one
 * input can receive several).
 */
public final class MaxPool2d {
  private static final MaxPoolPlane PLANE = MaxPoolPlane.forThisJvm();

  private MaxPool2d() {}

  /** Forward over channels [c0, c0 + count) (one tower's) of every example. */
  public static void forward(PoolShape s, int c0, int count, float[] x, float[] y, int[] argmax, int batch) {
    Parallel.shared()
        .forRange(
            batch * count,
            (w, first, end) -> {
              for (int i = first; i < end; i++) {
                int p = i / count * s.channels() + c0 + i % count;
                PLANE.pool(s, x, p * s.inPlane(), y, argmax, p * s.outPlane());
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
