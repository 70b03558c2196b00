package dev.netforge.runtime.nn;

import dev.netforge.runtime.Parallel;

/**
 * The backward half of a tower exchange. Where every tower reads the same input (a layer over all channels, the
 * network's input), tower 0 writes that input's gradient and each other tower writes its own copy, so the towers
 * need not wait for one another; after the barrier each tower adds the copies into the slice of the gradient it owns,
 * in tower order, which is the sum the towers would have made one after the other. One object sums one slice.
 */
public final class TowerGradient {
  private final int size;
  private final int from;
  private final int to;
  private float[] gradient;
  private float[][] copies;

  private final Parallel.RangeBody reduceExamples = this::reduceExamples;

  /** Sums {@code [from, to)} of each example's {@code size} values. */
  public TowerGradient(int size, int from, int to) {
    this.size = size;
    this.from = from;
    this.to = to;
  }

  /**
   * Binds the gradient and the copies summed into it.
   *
   * @param copies the input gradients of towers 1, 2, …, in order
   */
  public void bind(float[] gradient, float[]... copies) {
    this.gradient = gradient;
    this.copies = copies;
  }

  /** {@code gradient[n·size + i] += Σ_t copies[t][n·size + i]} for {@code from ≤ i < to} of every example. */
  public void reduce(int batch) {
    Parallel.shared().forRange(batch, reduceExamples);
  }

  /** Examples {@code [first, end)}. */
  private void reduceExamples(int worker, int first, int end) {
    for (float[] copy : copies) {
      for (int n = first; n < end; n++) {
        for (int i = n * size + from; i < n * size + to; i++) {
          gradient[i] += copy[i];
        }
      }
    }
  }
}
