package dev.netforge.runtime.gemm;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link BiasReluMask} in whole vectors, the tail by the scalar twin. The scalar loops it replaces were left to C2's
 * auto-vectorization, which on runs of one micro-tile's 32 columns or one 13×13 plane ran mostly in its scalar pre-
 * and post-loops: in MiniAlexNet's conv1 (25 multiply-adds per output) the epilogue took longer than the GEMM. The
 * lanes' MAX is {@code Math.max}, NaN and signed zeros included. Loaded only when {@code jdk.incubator.vector} is
 * present.
 */
final class VectorBiasReluMask implements BiasReluMask {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();

  private final BiasReluMask tail = new ScalarBiasReluMask();

  @Override
  public void apply(float[] src, int s, float bias, boolean relu, float[] mask, int m, float[] dst, int d, int n) {
    int i = 0;
    for (; i + L <= n; i += L) {
      FloatVector v = FloatVector.fromArray(S, src, s + i).add(bias);
      if (relu) {
        v = v.lanewise(VectorOperators.MAX, 0f);
      }
      if (mask != null) {
        v = v.mul(FloatVector.fromArray(S, mask, m + i));
      }
      v.intoArray(dst, d + i);
    }
    tail.apply(src, s + i, bias, relu, mask, m + i, dst, d + i, n - i);
  }
}
