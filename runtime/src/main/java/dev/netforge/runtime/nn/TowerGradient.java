package dev.netforge.runtime.nn;

import dev.netforge.runtime.Parallel;

/**
 * The backward half of a tower exchange. Where every tower reads the same input (a layer over all channels, the
 * network's input), tower 0 writes that input's gradient and each other tower writes its own copy, so the towers
 * need not wait for one another; after the barrier each tower adds the copies into the slice of the gradient it owns,
 * in tower order, which is the sum the towers would have made one after the other.
 */
public final class TowerGradient {
  /** The loop body, kept per calling thread so that handing it out allocates nothing (see {@link MaxPool2d}). */
  private static final ThreadLocal<Reduce> REDUCE = ThreadLocal.withInitial(Reduce::new);

  private TowerGradient() {}

  /**
   * {@code gradient[n·size + i] += Σ_t partials[t][n·size + i]} for {@code from ≤ i < to} of every example.
   *
   * @param partials the input gradients of towers 1, 2, …, in order (pass an array made once to allocate nothing)
   */
  public static void reduce(float[] gradient, int batch, int size, int from, int to, float[]... partials) {
    Reduce loop = REDUCE.get();
    loop.gradient = gradient;
    loop.size = size;
    loop.from = from;
    loop.to = to;
    loop.partials = partials;
    Parallel.shared().forRange(batch, loop);
  }

  private static final class Reduce extends Parallel.Loop {
    float[] gradient;
    int size;
    int from;
    int to;
    float[][] partials;

    @Override
    protected void clear() {
      gradient = null;
      partials = null;
    }

    /** Examples {@code [first, end)}. */
    @Override
    public void run(int worker, int first, int end) {
      for (float[] partial : partials) {
        for (int n = first; n < end; n++) {
          for (int i = n * size + from; i < n * size + to; i++) {
            gradient[i] += partial[i];
          }
        }
      }
    }
  }
}
