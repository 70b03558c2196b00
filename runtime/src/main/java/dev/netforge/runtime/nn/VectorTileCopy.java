package dev.netforge.runtime.nn;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link TileCopy} by the Vector API's gathers: a run's outputs a vector at a time through its index map, the tail by
 * the scalar twin; a slot of a panel of filters across their planes, the lanes past the last filter cleared by their
 * bits. The lanes' MAX is {@code Math.max}, NaN and signed zeros included. Loaded only when {@code
 * jdk.incubator.vector} is present.
 */
final class VectorTileCopy implements TileCopy {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
  private static final int L = S.length();

  private final TileCopy tail = new ScalarTileCopy();

  @Override
  public void store(
      float[] rows, int src, int[] map, int at, float[] dst, int d, int n, float bias, boolean relu, float[] mask, boolean accumulate) {
    if (accumulate) {
      int q = 0;
      for (; q + L <= n; q += L) {
        FloatVector.fromArray(S, dst, d + q).add(FloatVector.fromArray(S, rows, src, map, at + q)).intoArray(dst, d + q);
      }
      tail.store(rows, src, map, at + q, dst, d + q, n - q, bias, relu, mask, true);
      return;
    }
    if (n < L) {
      tail.store(rows, src, map, at, dst, d, n, bias, relu, mask, false);
      return;
    }
    // ReLU as a floor, so that one loop serves both: MAX(v, −∞) is v, NaN and signed zeros included.
    float floor = relu ? 0f : Float.NEGATIVE_INFINITY;
    // One gather for every vector, the last one ending at the run's end (the outputs it writes again get the same
    // values; runs of part of a row of tiles, conv2's 27 outputs, end 11 past a whole vector). Written as two calls
    // of a helper, one for the vectors and one for that last, this method's gathers were compiled boxed whenever C2
    // inlined it into WinogradConvolution.transformOutput beside the output transforms: that compilation ran out of
    // its node budget (NodeCountInliningCutoff) and left the later gathers' intrinsics as calls, 17.3 MB allocated a
    // MiniAlexNet step. Whether C2 inlined it depended on whether its own compilation was done at that moment.
    for (int q = 0; ; q += L) {
      int p = Math.min(q, n - L);
      FloatVector v = FloatVector.fromArray(S, rows, src, map, at + p).add(bias).lanewise(VectorOperators.MAX, floor);
      if (mask != null) {
        v = v.mul(FloatVector.fromArray(S, mask, d + p));
      }
      v.intoArray(dst, d + p);
      if (p == n - L) {
        return;
      }
    }
  }

  @Override
  public void load(float[] g, int at, int[] lanes, int[] keep, int l0, float[] rows, int r, int count) {
    for (int l = 0; l < count; l += L) {
      FloatVector.fromArray(S, g, at, lanes, l0 + l)
          .reinterpretAsInts()
          .and(IntVector.fromArray(I, keep, l0 + l))
          .reinterpretAsFloats()
          .intoArray(rows, r + l);
    }
  }
}
