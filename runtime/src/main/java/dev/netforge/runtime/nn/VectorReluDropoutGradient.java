package dev.netforge.runtime.nn;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The gradient in whole vectors: the ReLU factor is a compare and a blend. C2 (JDK 17) compiled the scalar loop's
 * select to a branch, which a ReLU that zeroes about half the units mispredicts every other element: 5–7 ns per
 * element against 0.3 here (one thread, 169- and 784-element planes). Loaded only when {@code jdk.incubator.vector}
 * is present.
 *
 * <p>{@link #applyAndSum} keeps its eight running sums as the lanes of vectors of doubles: where a vector holds
 * sixteen floats (AVX-512) one vector of eight, and each vector of the gradient is two of the scalar loop's steps of
 * eight; where it holds eight (AVX2) two vectors of four, the low and high halves of one step. Either way the sums are
 * added lane by lane in the scalar loop's order, so they have its bits. Other widths compute the gradient in vectors
 * and leave the sums to the scalar loop. Where neither factor applies the gradient is {@code g} itself, read and not
 * written back.
 */
final class VectorReluDropoutGradient implements ReluDropoutGradient {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();
  private static final FloatVector ZERO = FloatVector.zero(S);

  private static final VectorSpecies<Double> SUMS = DoubleVector.SPECIES_512;
  private static final VectorSpecies<Double> HALF_SUMS = DoubleVector.SPECIES_256;

  private final ReluDropoutGradient tail = new ScalarReluDropoutGradient();

  @Override
  public void apply(float[] g, float[] y, float[] mask, boolean relu, float[] out, int from, int to) {
    int i = from;
    for (; i + L <= to; i += L) {
      gradient(g, y, mask, relu, i).intoArray(out, i);
    }
    tail.apply(g, y, mask, relu, out, i, to);
  }

  @Override
  public double applyAndSum(float[] g, float[] y, float[] mask, boolean relu, int from, int to) {
    if (L == 2 * HALF_SUMS.length()) {
      return applyAndSumInHalves(g, y, mask, relu, from, to);
    }
    if (L != 2 * SUMS.length()) {
      // The gradient by vectors all the same: the scalar loop's select is a mispredicted branch (the class javadoc).
      apply(g, y, mask, relu, g, from, to);
      return ScalarReluDropoutGradient.sumFrom(g, from, to, 0, 0, 0, 0, 0, 0, 0, 0);
    }
    boolean identity = mask == null && !relu;
    DoubleVector sums = DoubleVector.zero(SUMS);
    int i = from;
    for (; i + L <= to; i += L) {
      FloatVector v = gradient(g, y, mask, relu, i);
      if (!identity) {
        v.intoArray(g, i);
      }
      // Values i…i+7, then i+8…i+15: running sum j in lane j.
      sums = sums.add(v.convert(VectorOperators.F2D, 0));
      sums = sums.add(v.convert(VectorOperators.F2D, 1));
    }
    tail.apply(g, y, mask, relu, g, i, to);
    return ScalarReluDropoutGradient.sumFrom(
        g, i, to, sums.lane(0), sums.lane(1), sums.lane(2), sums.lane(3), sums.lane(4), sums.lane(5), sums.lane(6), sums.lane(7));
  }

  /**
   * {@link #applyAndSum} where a vector holds eight floats, one step of the scalar loop: running sums 0–3 in {@code
   * low}'s lanes, 4–7 in {@code high}'s. On AVX2 the sums were scalar and, with them, the gradient: its select a
   * branch that ReLU mispredicts every other element (MiniAlexNet's conv1 backward 26.6 ms against a forward pass of
   * 7.3, {@code -XX:UseAVX=2} on a Zen 5; docs/performance.md, session 43).
   */
  private double applyAndSumInHalves(float[] g, float[] y, float[] mask, boolean relu, int from, int to) {
    boolean identity = mask == null && !relu;
    DoubleVector low = DoubleVector.zero(HALF_SUMS);
    DoubleVector high = DoubleVector.zero(HALF_SUMS);
    int i = from;
    for (; i + L <= to; i += L) {
      FloatVector v = gradient(g, y, mask, relu, i);
      if (!identity) {
        v.intoArray(g, i);
      }
      low = low.add(v.convert(VectorOperators.F2D, 0));
      high = high.add(v.convert(VectorOperators.F2D, 1));
    }
    tail.apply(g, y, mask, relu, g, i, to);
    return ScalarReluDropoutGradient.sumFrom(
        g, i, to, low.lane(0), low.lane(1), low.lane(2), low.lane(3), high.lane(0), high.lane(1), high.lane(2), high.lane(3));
  }

  /** The gradient of {@code g[i, i + L)}: × the mask, and 0 where the output is not above 0. */
  private static FloatVector gradient(float[] g, float[] y, float[] mask, boolean relu, int i) {
    FloatVector v = FloatVector.fromArray(S, g, i);
    if (mask != null) {
      v = v.mul(FloatVector.fromArray(S, mask, i));
    }
    if (relu) {
      v = ZERO.blend(v, FloatVector.fromArray(S, y, i).compare(VectorOperators.GT, 0f));
    }
    return v;
  }
}
