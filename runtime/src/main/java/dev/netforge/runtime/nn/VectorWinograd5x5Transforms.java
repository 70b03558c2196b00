package dev.netforge.runtime.nn;

import dev.netforge.runtime.gemm.Sgemm;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Winograd5x5Transforms} a vector of tiles at a time, as {@link VectorWinogradTransforms} does F(3×3, 2×2)'s:
 * the input tiles' values gathered across the vector's tiles, the products loaded as they lie, each transform two
 * short loops with its first half's vectors (Bᵀ d: 36, and the input's 36 gathered; Aᵀ M: 12) kept in the caller's
 * {@code work}, no vector passed
 * to or returned from a helper, the constants loaded inside the loops (the forms C2 of JDK 17 compiles without boxing
 * inside a whole network's step).
 *
 * <p>The input transform's two loops are methods of their own, each over 325 bytes of bytecode so that C2 compiles it
 * alone (FreqInlineSize): in one method the Vector API code inlined into it passed C2's DesiredMethodLimit (8000 bytes),
 * past which C2 delays the rest of the vector calls, and the stores after them then saw no constant species and ran
 * boxed ({@code -XX:+PrintIntrinsics}: "missing constant: vclass=DecodeN"; 2.5 GB allocated per AlexNetTorchvision
 * training step). Loaded only when {@code jdk.incubator.vector} is present.
 */
final class VectorWinograd5x5Transforms implements Winograd5x5Transforms {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();

  /** L copies each of 2 and 4. */
  private static final float[] CONSTANTS = new float[2 * L];

  static {
    java.util.Arrays.fill(CONSTANTS, 0, L, 2f);
    java.util.Arrays.fill(CONSTANTS, L, 2 * L, 4f);
  }

  private final Winograd5x5Transforms scalar = new ScalarWinograd5x5Transforms();

  @Override
  public void input(float[] planes, int[] tileAt, int tileAtOff, int width, float[] out, int outOff, int matrix, float[] work) {
    int nr = Sgemm.panelWidth();
    if (nr % L != 0) {
      scalar.input(planes, tileAt, tileAtOff, width, out, outOff, matrix, work);
      return;
    }
    for (int j = 0; j < nr; j += L) {
      inputColumns(planes, tileAt, tileAtOff + j, width, work);
      inputRows(work, out, outOff + j, matrix);
    }
  }

  /**
   * Bᵀ d of the L tiles whose corners are {@code tileAt[map…]}: row i, column k at {@code rows[(6i + k)·L]}. The tiles'
   * 36 values are gathered first, into {@code rows} from 36·L, from one gather in a loop: six gathers written out
   * passed C2's DesiredMethodLimit by themselves (see the class javadoc).
   */
  private static void inputColumns(float[] planes, int[] tileAt, int map, int width, float[] rows) {
    for (int i = 0; i < 6; i++) {
      for (int k = 0; k < 6; k++) {
        FloatVector.fromArray(S, planes, i * width + k, tileAt, map).intoArray(rows, (36 + 6 * i + k) * L);
      }
    }
    for (int k = 0; k < 6; k++) {
      // Column k of the tiles' rows d0…d5, combined into rows r0…r5 of Bᵀ d.
      FloatVector two = FloatVector.fromArray(S, CONSTANTS, 0);
      FloatVector four = FloatVector.fromArray(S, CONSTANTS, L);
      FloatVector d0 = FloatVector.fromArray(S, rows, (36 + k) * L);
      FloatVector d1 = FloatVector.fromArray(S, rows, (42 + k) * L);
      FloatVector d2 = FloatVector.fromArray(S, rows, (48 + k) * L);
      FloatVector d3 = FloatVector.fromArray(S, rows, (54 + k) * L);
      FloatVector d4 = FloatVector.fromArray(S, rows, (60 + k) * L);
      FloatVector d5 = FloatVector.fromArray(S, rows, (66 + k) * L);
      FloatVector a = d4.sub(d2);
      FloatVector b = d3.sub(d1).mul(two);
      d0.sub(d2).mul(four).add(a).intoArray(rows, k * L);
      d3.add(d4).sub(d1.add(d2).mul(four)).intoArray(rows, (6 + k) * L);
      d4.sub(d3).add(d1.sub(d2).mul(four)).intoArray(rows, (12 + k) * L);
      a.add(b).intoArray(rows, (18 + k) * L);
      a.sub(b).intoArray(rows, (24 + k) * L);
      d1.sub(d3).mul(four).add(d5.sub(d3)).intoArray(rows, (30 + k) * L);
    }
  }

  /** {@link #inputColumns}' rows, each one's columns combined the same way: V[6r…6r+5] to {@code out[at + ξ·matrix]}. */
  private static void inputRows(float[] rows, float[] out, int at, int matrix) {
    for (int r = 0; r < 6; r++) {
      FloatVector two = FloatVector.fromArray(S, CONSTANTS, 0);
      FloatVector four = FloatVector.fromArray(S, CONSTANTS, L);
      FloatVector x0 = FloatVector.fromArray(S, rows, 6 * r * L);
      FloatVector x1 = FloatVector.fromArray(S, rows, (6 * r + 1) * L);
      FloatVector x2 = FloatVector.fromArray(S, rows, (6 * r + 2) * L);
      FloatVector x3 = FloatVector.fromArray(S, rows, (6 * r + 3) * L);
      FloatVector x4 = FloatVector.fromArray(S, rows, (6 * r + 4) * L);
      FloatVector x5 = FloatVector.fromArray(S, rows, (6 * r + 5) * L);
      FloatVector a = x4.sub(x2);
      FloatVector b = x3.sub(x1).mul(two);
      int v = at + 6 * r * matrix;
      x0.sub(x2).mul(four).add(a).intoArray(out, v);
      x3.add(x4).sub(x1.add(x2).mul(four)).intoArray(out, v + matrix);
      x4.sub(x3).add(x1.sub(x2).mul(four)).intoArray(out, v + 2 * matrix);
      a.add(b).intoArray(out, v + 3 * matrix);
      a.sub(b).intoArray(out, v + 4 * matrix);
      x1.sub(x3).mul(four).add(x5.sub(x3)).intoArray(out, v + 5 * matrix);
    }
  }

  @Override
  public void output(float[] products, int productsOff, int matrix, float[] out, int outOff, int ld, float[] work) {
    int nr = Sgemm.panelWidth();
    if (nr % L != 0) {
      scalar.output(products, productsOff, matrix, out, outOff, ld, work);
      return;
    }
    float[] rows = work;
    for (int j = 0; j < nr; j += L) {
      int mi = productsOff + j;
      for (int k = 0; k < 6; k++) {
        // Column k of Aᵀ M's rows s (at k·L) and t (at (6 + k)·L).
        FloatVector two = FloatVector.fromArray(S, CONSTANTS, 0);
        FloatVector m0 = FloatVector.fromArray(S, products, mi + k * matrix);
        FloatVector m1 = FloatVector.fromArray(S, products, mi + (6 + k) * matrix);
        FloatVector m2 = FloatVector.fromArray(S, products, mi + (12 + k) * matrix);
        FloatVector m3 = FloatVector.fromArray(S, products, mi + (18 + k) * matrix);
        FloatVector m4 = FloatVector.fromArray(S, products, mi + (24 + k) * matrix);
        FloatVector m5 = FloatVector.fromArray(S, products, mi + (30 + k) * matrix);
        m0.add(m1.add(m2)).add(m3.add(m4)).intoArray(rows, k * L);
        m1.sub(m2).add(m3.sub(m4).mul(two)).add(m5).intoArray(rows, (6 + k) * L);
      }
      for (int r = 0; r < 2; r++) {
        // Row r of Aᵀ M, its columns combined the same way: Y[2r] and Y[2r + 1].
        FloatVector two = FloatVector.fromArray(S, CONSTANTS, 0);
        FloatVector x0 = FloatVector.fromArray(S, rows, 6 * r * L);
        FloatVector x1 = FloatVector.fromArray(S, rows, (6 * r + 1) * L);
        FloatVector x2 = FloatVector.fromArray(S, rows, (6 * r + 2) * L);
        FloatVector x3 = FloatVector.fromArray(S, rows, (6 * r + 3) * L);
        FloatVector x4 = FloatVector.fromArray(S, rows, (6 * r + 4) * L);
        FloatVector x5 = FloatVector.fromArray(S, rows, (6 * r + 5) * L);
        int at = outOff + j + 2 * r * ld;
        x0.add(x1.add(x2)).add(x3.add(x4)).intoArray(out, at);
        x1.sub(x2).add(x3.sub(x4).mul(two)).add(x5).intoArray(out, at + ld);
      }
    }
  }

  @Override
  public int workSize() {
    return Math.max(72 * L, 48);
  }
}
