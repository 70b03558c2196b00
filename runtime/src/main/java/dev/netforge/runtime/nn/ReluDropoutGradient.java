package dev.netforge.runtime.nn;

import dev.netforge.runtime.VectorApi;

/**
 * A gradient through dropout and ReLU: {@code out = g · mask · [y > 0]}, where {@code y} is the stored output. A kept
 * unit has y &gt; 0 only if the dropout mask kept it, so this is the whole derivative. The implementations give the
 * same bits.
 */
interface ReluDropoutGradient {
  /** The vector implementation when this JVM has the Vector API, else the scalar one. */
  static ReluDropoutGradient forThisJvm() {
    return VectorApi.present() ? new VectorReluDropoutGradient() : new ScalarReluDropoutGradient();
  }

  /**
   * Over {@code [from, to)}; {@code out} may be {@code g}.
   *
   * @param mask the dropout multipliers of the forward pass, or {@code null}
   * @param relu whether the ReLU factor applies
   */
  void apply(float[] g, float[] y, float[] mask, boolean relu, float[] out, int from, int to);

  /**
   * {@link #apply} in place on {@code g[from, to)}, then the float64 sum of the result (a bias gradient's), in one order
   * whatever the implementation or the machine's vector width: sixteen running sums {@code S_j} over the whole groups
   * of sixteen ({@code S_j} takes elements {@code from + j}, {@code from + j + 16}, …), combined as {@code u_l = (S_l +
   * S_(l+8)) + (S_(l+4) + S_(l+12))} and {@code (u_0 + u_1) + (u_2 + u_3)}, then the elements after the last whole
   * group one by one. Sixteen independent sums keep the additions' latency off the critical path.
   */
  double applyAndSum(float[] g, float[] y, float[] mask, boolean relu, int from, int to);
}
