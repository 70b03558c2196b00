package dev.netforge.runtime.nn;

import dev.netforge.runtime.VectorApi;

/**
 * The arithmetic of local response normalization ({@link LocalResponseNorm}) over one tower's channels of one example.
 * Every implementation sums a window's planes in the same order, {@code ((v[lo] + v[lo+1]) + (v[lo+2] + v[lo+3])) +
 * …}, and evaluates every other expression as written below, so they give the same bits:
 *
 * <pre>
 * forward:  inverse_c = 1 / (k + α · Σ_{j∈N(c)} a_j·a_j);   b_c = a_c · power(inverse_c)
 * backward: p_j = power(inverse_j);   work_j = g_j · (a_j · p_j) · inverse_j;
 *           da_c = g_c · p_c + (−2αβ · a_c) · Σ_{j∈N(c)} work_j
 * </pre>
 *
 * with {@code power(e) = √(e·√e)} (that is e^β = d^−β for the denominator d = 1/e) for the paper's β = 0.75, else
 * {@code Math.pow(e, β)}; {@code a_j · p_j} is b_j's bits.
 *
 * <p>The forward pass keeps 1/d rather than d, so that the backward pass multiplies where it divided (two divisions
 * and two square roots per value before, two square roots now), and the backward pass computes p again rather than
 * reading b, so that it reads three of the tower's arrays instead of four (a, 1/d and g). Isolated, one tower's
 * backward pass of MiniAlexNet's conv1 LRN on two threads went 1.7 → 1.5 ms with either change; inside its training
 * steps, where both towers run at once, the first alone moved nothing and both 5.5–5.7 → 4.8–5.0 ms
 * (docs/performance.md, session 35).
 */
interface LrnKernel {
  /** The vector implementation when this JVM has the Vector API, else the scalar one. */
  static LrnKernel forThisJvm() {
    return VectorApi.present() ? new VectorLrnKernel() : new ScalarLrnKernel();
  }

  /**
   * Forward over the tower's channels of the example whose planes start at {@code base} in all three arrays; {@code
   * inverse} receives 1/d.
   */
  void forward(LrnShape s, int tower, float[] a, float[] b, float[] inverse, int base);

  /**
   * Backward over the tower's channels of the example at {@code base} in {@code a, inverse, g, da}; {@code work} and
   * {@code powers} are one example's room each, indexed from 0 (powers keeps each channel's p from its work to its ∂a).
   * With {@code relu}, {@code a} is a ReLU's output and ∂a is that ReLU's input gradient: 0 where a is not above 0, as
   * {@link ReluDropoutGradient} computes it, so the layer before reads its gradient as it is.
   */
  void backward(LrnShape s, int tower, float[] a, float[] inverse, float[] g, float[] work, float[] powers, float[] da, int base, boolean relu);
}
