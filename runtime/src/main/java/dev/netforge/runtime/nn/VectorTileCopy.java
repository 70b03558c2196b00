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
    int q = 0;
    if (accumulate) {
      for (; q + L <= n; q += L) {
        FloatVector.fromArray(S, dst, d + q).add(FloatVector.fromArray(S, rows, src, map, at + q)).intoArray(dst, d + q);
      }
      tail.store(rows, src, map, at + q, dst, d + q, n - q, bias, relu, mask, true);
      return;
    }
    for (; q + L <= n; q += L) {
      put(rows, src, map, at + q, dst, d + q, bias, relu, mask);
    }
    if (q < n && q > 0) {
      // The run's last outputs by one more vector ending at its end: the outputs it writes again get the same values.
      // Runs of part of a row of tiles (conv2's 27 outputs: 11 past the last whole vector) took the scalar tail.
      put(rows, src, map, at + n - L, dst, d + n - L, bias, relu, mask);
    } else {
      tail.store(rows, src, map, at + q, dst, d + q, n - q, bias, relu, mask, false);
    }
  }

  /** One vector of a run's outputs, {@code q} from {@code at} and {@code d} on ({@link #store}). */
  private static void put(float[] rows, int src, int[] map, int at, float[] dst, int d, float bias, boolean relu, float[] mask) {
    FloatVector v = FloatVector.fromArray(S, rows, src, map, at).add(bias);
    if (relu) {
      v = v.lanewise(VectorOperators.MAX, 0f);
    }
    if (mask != null) {
      v = v.mul(FloatVector.fromArray(S, mask, d));
    }
    v.intoArray(dst, d);
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
