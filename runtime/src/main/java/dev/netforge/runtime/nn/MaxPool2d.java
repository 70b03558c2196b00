package dev.netforge.runtime.nn;

import dev.netforge.runtime.Parallel;
import java.util.Arrays;

/**
 * Max pooling plane by plane ({@link MaxPoolPlane}: in whole vectors when the Vector API is there), recording where
 * each maximum came from; backward routes each gradient to that arg-max (windows overlap at stride &lt; kernel, so one
 * input can receive several).
 *
 * <p>Each pass's loop body is a {@link Parallel.Loop} kept per calling thread (a lambda capturing the arguments would
 * be a new object on every call); its fields are the call's arguments.
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
    Parallel.shared().forRange(batch * count, loop);
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
    Parallel.shared().forRange(batch, loop);
  }

  private static final class Forward extends Parallel.Loop {
    PoolShape s;
    int c0;
    int count;
    float[] x;
    float[] y;
    int[] argmax;

    @Override
    protected void clear() {
      x = y = null;
      argmax = null;
    }

    /** Planes {@code [first, end)} in (example, channel) order. */
    @Override
    public void run(int worker, int first, int end) {
      for (int i = first; i < end; i++) {
        int p = i / count * s.channels() + c0 + i % count;
        PLANE.pool(s, x, p * s.inPlane(), y, argmax, p * s.outPlane());
      }
    }
  }

  private static final class Backward extends Parallel.Loop {
    PoolShape s;
    int c0;
    int count;
    float[] dy;
    int[] argmax;
    float[] dx;

    @Override
    protected void clear() {
      dy = dx = null;
      argmax = null;
    }

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
