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

  /**
   * Every run a vector at a time: each whole vector of it, then one more ending at its end where a vector's part is left
   * (the outputs it writes again get the same values; runs of part of a row of tiles, conv2's 27 outputs, end 11 past
   * a whole vector); runs shorter than a vector, and the last outputs of an accumulating run, one by one.
   *
   * <p>The runs' loop is here, one call per filter, and the whole is one method of over 325 bytes of bytecode, so that
   * C2 compiles it alone and never inlines it into {@link WinogradConvolution}'s output transform (FreqInlineSize). When
   * it took one run a call it was small enough to inline there, beside the transforms, whenever its own compiled code
   * was not there yet: that compilation ran out of its node budget (NodeCountInliningCutoff) and left the gathers'
   * intrinsics as calls, 17.3 MB allocated a MiniAlexNet step (one JVM in a dozen, and most first runs after a build;
   * docs/performance.md, session 40).
   */
  @Override
  public void store(float[] rows, TileRuns runs, float[] dst, int channel, float bias, boolean relu, float[] mask, boolean accumulate) {
    int[] map = runs.map;
    // ReLU as a floor, so that one loop serves both: MAX(v, −∞) is v, NaN included.
    float floor = relu ? 0f : Float.NEGATIVE_INFINITY;
    for (int r = 0; r < runs.count; r++) {
      int src = runs.tile0[r];
      int at = runs.position[r];
      int d = channel + runs.at[r];
      int n = runs.length[r];
      if (accumulate) {
        int q = 0;
        for (; q + L <= n; q += L) {
          FloatVector.fromArray(S, dst, d + q).add(FloatVector.fromArray(S, rows, src, map, at + q)).intoArray(dst, d + q);
        }
        ScalarTileCopy.storeRun(rows, src, map, at + q, dst, d + q, n - q, bias, relu, mask, true);
      } else if (n < L) {
        ScalarTileCopy.storeRun(rows, src, map, at, dst, d, n, bias, relu, mask, false);
      } else if (mask == null) {
        // Apart from the mask's loop below: one loop with a branch for the mask would merge a vector from two paths,
        // which C2 (JDK 17) may box.
        for (int q = 0; ; q += L) {
          int p = Math.min(q, n - L);
          FloatVector.fromArray(S, rows, src, map, at + p).add(bias).lanewise(VectorOperators.MAX, floor).intoArray(dst, d + p);
          if (p == n - L) {
            break;
          }
        }
      } else {
        for (int q = 0; ; q += L) {
          int p = Math.min(q, n - L);
          FloatVector.fromArray(S, rows, src, map, at + p)
              .add(bias)
              .lanewise(VectorOperators.MAX, floor)
              .mul(FloatVector.fromArray(S, mask, d + p))
              .intoArray(dst, d + p);
          if (p == n - L) {
            break;
          }
        }
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
