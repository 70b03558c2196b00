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
 * <p>{@link #applyAndSum} keeps its eight running sums as the lanes of one vector of doubles where a vector holds
 * sixteen floats (AVX-512): each vector of the gradient is two of the scalar loop's steps of eight, added lane by lane
 * in that order, so the sum has the scalar loop's bits. Elsewhere the sums stay scalar.
 */
final class VectorReluDropoutGradient implements ReluDropoutGradient {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();
  private static final FloatVector ZERO = FloatVector.zero(S);

  private static final VectorSpecies<Double> SUMS = DoubleVector.SPECIES_512;

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
    if (L != 2 * SUMS.length()) {
      return tail.applyAndSum(g, y, mask, relu, from, to);
    }
    DoubleVector sums = DoubleVector.zero(SUMS);
    int i = from;
    for (; i + L <= to; i += L) {
      FloatVector v = gradient(g, y, mask, relu, i);
      v.intoArray(g, i);
      // Values i…i+7, then i+8…i+15: running sum j in lane j.
      sums = sums.add(v.convert(VectorOperators.F2D, 0));
      sums = sums.add(v.convert(VectorOperators.F2D, 1));
    }
    tail.apply(g, y, mask, relu, g, i, to);
    return ScalarReluDropoutGradient.sumFrom(
        g, i, to, sums.lane(0), sums.lane(1), sums.lane(2), sums.lane(3), sums.lane(4), sums.lane(5), sums.lane(6), sums.lane(7));
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
