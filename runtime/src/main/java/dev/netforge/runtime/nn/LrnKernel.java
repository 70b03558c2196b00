package dev.netforge.runtime.nn;

import dev.netforge.runtime.VectorApi;

/**
 * The arithmetic of local response normalization ({@link LocalResponseNorm}) over one tower's channels of one example.
 * Every implementation sums a window's planes in the same order, {@code ((v[lo] + v[lo+1]) + (v[lo+2] + v[lo+3])) +
 * …}, and evaluates every other expression as written below, so they give the same bits:
 *
 * <pre>
 * forward:  scale_c = k + α · Σ_{j∈N(c)} a_j·a_j;   b_c = a_c · power(scale_c)
 * backward: work_j = g_j · b_j / scale_j;           da_c = g_c · power(scale_c) + (−2αβ · a_c) · Σ_{j∈N(c)} work_j
 * </pre>
 *
 * with {@code power(d) = 1 / √(d·√d)} for the paper's β = 0.75, else {@code Math.pow(d, −β)}.
 */
interface LrnKernel {
  /** The vector implementation when this JVM has the Vector API, else the scalar one. */
  static LrnKernel forThisJvm() {
    return VectorApi.present() ? new VectorLrnKernel() : new ScalarLrnKernel();
  }

  /** Forward over the tower's channels of the example whose planes start at {@code base} in all three arrays. */
  void forward(LrnShape s, int tower, float[] a, float[] b, float[] scale, int base);

  /**
   * Backward over the tower's channels of the example at {@code base} in {@code a, b, scale, g, da}; {@code work} is
   * one example's room, indexed from 0.
   */
  void backward(LrnShape s, int tower, float[] a, float[] b, float[] scale, float[] g, float[] work, float[] da, int base);
}
