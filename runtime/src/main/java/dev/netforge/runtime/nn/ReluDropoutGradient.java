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
   * {@link #apply} in place over {@code g[from, to)}, returning the sum of the result in float64 in one fixed order:
   * eight running sums, of every eighth value from {@code from} on (the values past the last whole eight into the
   * first), added pairwise at the end, ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7)). One running sum waited on
   * the previous addition for every value (a double add's latency, 3–4 cycles: a few per cent of MiniAlexNet's step
   * over conv1's 6.4 million outputs), and four still left the adders idle; the order is fixed, so the bits depend on
   * neither threads nor ranks nor the implementation. With neither a mask nor the ReLU factor {@code g} is only read:
   * the bias gradient of a convolution whose ReLU derivative the stage after it applied ({@link Conv2d}).
   */
  double applyAndSum(float[] g, float[] y, float[] mask, boolean relu, int from, int to);
}
