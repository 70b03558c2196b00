package dev.netforge.runtime.nn;

import dev.netforge.runtime.Parallel;
import java.util.Arrays;

/**
 * Max pooling plane by plane ({@link MaxPoolPlane}: in whole vectors when the Vector API is there), recording where
 * each maximum came from; backward routes each gradient to that arg-max (windows overlap at stride &lt; kernel, so one
 * input can receive several).
 *
 * <p>Each pass's loop body is an object kept per calling thread ({@link Parallel#forRange} on a lambda that captured
 * the arguments would allocate it on every call); its fields are the call's arguments, and cleared after it.
 */
public final class MaxPool2d {
  private static final MaxPoolPlane PLANE = MaxPoolPlane.forThisJvm();
  private static final ThreadLocal<Forward> FORWARD = ThreadLocal.withInitial(Forward::new);
  private static final ThreadLocal<Backward> BACKWARD = ThreadLocal.withInitial(Backward::new);

  private MaxPool2d() {}

  /** Forward over channels [c0, c0 + count) (one tower's) of every example. */
  public static void forward(PoolShape s, int c0, int count, float[] x, float[] y, int[] argmax, int batch) {
    Forward loop = FORWARD.get();
    loop.s = s;
    loop.c0 = c0;
    loop.count = count;
    loop.x = x;
    loop.y = y;
    loop.argmax = argmax;
    try {
      Parallel.shared().forRange(batch * count, loop);
    } finally {
      loop.x = loop.y = null;
      loop.argmax = null;
    }
  }

  /** Backward over channels [c0, c0 + count) of every example. */
  public static void backward(PoolShape s, int c0, int count, float[] dy, int[] argmax, float[] dx, int batch) {
    Backward loop = BACKWARD.get();
    loop.s = s;
    loop.c0 = c0;
    loop.count = count;
    loop.dy = dy;
    loop.argmax = argmax;
    loop.dx = dx;
    try {
      Parallel.shared().forRange(batch, loop);
    } finally {
      loop.dy = loop.dx = null;
      loop.argmax = null;
    }
  }

  private static final class Forward implements Parallel.RangeBody {
    PoolShape s;
    int c0;
    int count;
    float[] x;
    float[] y;
    int[] argmax;

    /** Planes {@code [first, end)} in (example, channel) order. */
    @Override
    public void run(int worker, int first, int end) {
      for (int i = first; i < end; i++) {
        int p = i / count * s.channels() + c0 + i % count;
        PLANE.pool(s, x, p * s.inPlane(), y, argmax, p * s.outPlane());
      }
    }
  }

  private static final class Backward implements Parallel.RangeBody {
    PoolShape s;
    int c0;
    int count;
    float[] dy;
    int[] argmax;
    float[] dx;

    /** Examples {@code [first, end)}. */
    @Override
    public void run(int worker, int first, int end) {
      for (int n = first; n < end; n++) {
        int p = n * s.channels() + c0;
        Arrays.fill(dx, p * s.inPlane(), (p + count) * s.inPlane(), 0f);
        for (int o = p * s.outPlane(); o < (p + count) * s.outPlane(); o++) {
          dx[argmax[o]] += dy[o];
        }
      }
    }
  }
}
