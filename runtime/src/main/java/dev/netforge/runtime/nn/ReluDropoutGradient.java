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
}
