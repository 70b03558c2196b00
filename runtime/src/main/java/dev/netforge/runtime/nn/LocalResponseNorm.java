package dev.netforge.runtime.nn;

import dev.netforge.runtime.Parallel;
import dev.netforge.runtime.Scratch;

/**
 * The paper's local response normalization, one pass forward, one pass backward.
 *
 * <pre>
 * forward:  d_i = k + α Σ_{j∈N(i)} a_j²;   b_i = a_i · d_i^−β                 (d kept for backward)
 * backward: ∂a_j = g_j · d_j^−β − 2αβ · a_j · Σ_{i∈N(j)} g_i · b_i / d_i
 * </pre>
 * N(i) is the window of {@code size} channels centred on i, clamped to i's tower; it is symmetric (j ∈ N(i) ⇔ i ∈ N(j)),
 * which is what lets the backward sum run over N(j).
 */
public final class LocalResponseNorm {
  private static final ChannelWindowSum WINDOW = ChannelWindowSum.forThisJvm();
  /** The passes' loop bodies, kept per calling thread so that handing them out allocates nothing (see {@link MaxPool2d}). */
  private static final ThreadLocal<Forward> FORWARD = ThreadLocal.withInitial(Forward::new);
  private static final ThreadLocal<Backward> BACKWARD = ThreadLocal.withInitial(Backward::new);

  private LocalResponseNorm() {}

  /**
   * {@code d^−β}, with the paper's β = 0.75 as two single-precision square roots (a general pow costs ten times more;
   * {@code (float) Math.sqrt(float)} compiles to one float instruction, which the JIT can vectorize).
   */
  private static float power(float d, float beta) {
    if (beta == 0.75f) {
      return 1f / (float) Math.sqrt(d * (float) Math.sqrt(d));
    }
    return (float) Math.pow(d, -beta);
  }

  /** Forward over the channels of one tower ({@link LrnShape#towers()}), every example. */
  public static void forward(LrnShape s, int tower, float[] a, float[] b, float[] scale, int batch) {
    Forward loop = FORWARD.get();
    loop.s = s;
    loop.tower = tower;
    loop.a = a;
    loop.b = b;
    loop.scale = scale;
    Parallel.shared().forRange(batch, loop);
  }

  /**
   * Backward over the channels of one tower. {@code g·b/d} goes to a one-example buffer of each of the tower's
   * workers: a buffer shared by the network's LRN layers would be written by one tower in one layer while the other
   * tower, not yet through the barrier, still reads it in another.
   */
  public static void backward(LrnShape s, int tower, float[] a, float[] b, float[] scale, float[] g, float[] da, Scratch scratch, int batch) {
    scratch.ensureWorkers(Parallel.shared().threads());
    Backward loop = BACKWARD.get();
    loop.s = s;
    loop.tower = tower;
    loop.a = a;
    loop.b = b;
    loop.scale = scale;
    loop.g = g;
    loop.da = da;
    loop.scratch = scratch;
    Parallel.shared().forRange(batch, loop);
  }

  private static final class Forward extends Parallel.Loop {
    LrnShape s;
    int tower;
    float[] a;
    float[] b;
    float[] scale;

    @Override
    protected void clear() {
      a = b = scale = null;
    }

    /** Examples {@code [first, end)}. */
    @Override
    public void run(int worker, int first, int end) {
      int size = s.channels() * s.plane();
      int from = tower * s.towerChannels() * s.plane();
      int to = from + s.towerChannels() * s.plane();
      for (int n = first; n < end; n++) {
        int base = n * size;
        for (int i = base + from; i < base + to; i++) {
          b[i] = a[i] * a[i];
        }
        WINDOW.sum(s, tower, b, base, scale, base);
        for (int i = base + from; i < base + to; i++) {
          float d = s.k() + s.alpha() * scale[i];
          scale[i] = d;
          b[i] = a[i] * power(d, s.beta());
        }
      }
    }
  }

  private static final class Backward extends Parallel.Loop {
    LrnShape s;
    int tower;
    float[] a;
    float[] b;
    float[] scale;
    float[] g;
    float[] da;
    Scratch scratch;

    @Override
    protected void clear() {
      a = b = scale = g = da = null;
      scratch = null;
    }

    /** Examples {@code [first, end)}. */
    @Override
    public void run(int worker, int first, int end) {
      int size = s.channels() * s.plane();
      int from = tower * s.towerChannels() * s.plane();
      int to = from + s.towerChannels() * s.plane();
      float coefficient = -2f * s.alpha() * s.beta();
      float[] work = scratch.get(worker, Scratch.Use.LRN_WORK, size);
      for (int n = first; n < end; n++) {
        int base = n * size;
        for (int i = from; i < to; i++) {
          work[i] = g[base + i] * b[base + i] / scale[base + i];
        }
        WINDOW.sum(s, tower, work, 0, da, base);
        for (int i = base + from; i < base + to; i++) {
          da[i] = g[i] * power(scale[i], s.beta()) + coefficient * a[i] * da[i];
        }
      }
    }
  }
}
