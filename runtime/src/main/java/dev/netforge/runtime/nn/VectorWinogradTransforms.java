package dev.netforge.runtime.nn;

import dev.netforge.runtime.gemm.Sgemm;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link WinogradTransforms} a vector of tiles at a time: the input tiles' values gathered across the vector's tiles
 * (they lie 2 apart along a row, and rows, planes and examples apart where the panel wraps), the gradient's quads and
 * the products loaded as they lie, the sums and differences lane-wise, every result stored as a whole vector. One tile at
 * a time, the scattered stores and bounds checks of the transforms cost as much as the GEMMs between them.
 *
 * <p>Each transform runs as two short loops with its first half's vectors kept in the caller's {@code work} between
 * them (Bᵀ d or G g: 16 vectors), and no vector is passed to or returned from a helper: unrolled in one body, or split into helpers, C2 (JDK 17)
 * reached its inlining limit inside a whole network's step and ran the Vector API calls boxed (hundreds of megabytes
 * allocated per step). Loaded only when {@code jdk.incubator.vector} is present.
 */
final class VectorWinogradTransforms implements WinogradTransforms {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();

  /** L copies each of ½, −1 and 1, for {@link #gradient}. */
  private static final float[] CONSTANTS = new float[3 * L];

  static {
    java.util.Arrays.fill(CONSTANTS, 0, L, 0.5f);
    java.util.Arrays.fill(CONSTANTS, L, 2 * L, -1f);
    java.util.Arrays.fill(CONSTANTS, 2 * L, 3 * L, 1f);
  }

  private final WinogradTransforms scalar = new ScalarWinogradTransforms();

  @Override
  public void input(float[] planes, int[] tileAt, int tileAtOff, int width, float[] out, int outOff, int matrix, float[] work) {
    int nr = Sgemm.panelWidth();
    if (nr % L != 0) {
      scalar.input(planes, tileAt, tileAtOff, width, out, outOff, matrix, work);
      return;
    }
    float[] rows = work;
    for (int j = 0; j < nr; j += L) {
      int map = tileAtOff + j;
      for (int k = 0; k < 4; k++) {
        // Column k of the tiles' rows d0…d3, combined into rows d0 − d2, d1 + d2, d2 − d1, d1 − d3 of Bᵀ d.
        FloatVector d0 = FloatVector.fromArray(S, planes, k, tileAt, map);
        FloatVector d1 = FloatVector.fromArray(S, planes, width + k, tileAt, map);
        FloatVector d2 = FloatVector.fromArray(S, planes, 2 * width + k, tileAt, map);
        FloatVector d3 = FloatVector.fromArray(S, planes, 3 * width + k, tileAt, map);
        d0.sub(d2).intoArray(rows, k * L);
        d1.add(d2).intoArray(rows, (4 + k) * L);
        d2.sub(d1).intoArray(rows, (8 + k) * L);
        d1.sub(d3).intoArray(rows, (12 + k) * L);
      }
      for (int r = 0; r < 4; r++) {
        // Row r of Bᵀ d, its columns combined the same way: V[4r…4r+3].
        FloatVector x0 = FloatVector.fromArray(S, rows, 4 * r * L);
        FloatVector x1 = FloatVector.fromArray(S, rows, (4 * r + 1) * L);
        FloatVector x2 = FloatVector.fromArray(S, rows, (4 * r + 2) * L);
        FloatVector x3 = FloatVector.fromArray(S, rows, (4 * r + 3) * L);
        int v = outOff + j + 4 * r * matrix;
        x0.sub(x2).intoArray(out, v);
        x1.add(x2).intoArray(out, v + matrix);
        x2.sub(x1).intoArray(out, v + 2 * matrix);
        x1.sub(x3).intoArray(out, v + 3 * matrix);
      }
    }
  }

  @Override
  public void gradient(float[] quads, int quadsOff, int stride, float[] out, int outOff, int matrix, float[] work) {
    int nr = Sgemm.panelWidth();
    if (nr % L != 0) {
      scalar.gradient(quads, quadsOff, stride, out, outOff, matrix, work);
      return;
    }
    float[] rows = work;
    for (int j = 0; j < nr; j += L) {
      // The constants loaded inside the loop, not broadcast before it: inside whole training steps C2 (JDK 17) boxed
      // loop-carried broadcasts here. −v is v · (−1), exact: neg() has no intrinsic here.
      FloatVector half = FloatVector.fromArray(S, CONSTANTS, 0);
      FloatVector minusOne = FloatVector.fromArray(S, CONSTANTS, L);
      FloatVector one = FloatVector.fromArray(S, CONSTANTS, 2 * L);
      int at = quadsOff + j;
      FloatVector g00 = FloatVector.fromArray(S, quads, at);
      FloatVector g01 = FloatVector.fromArray(S, quads, at + stride);
      FloatVector g10 = FloatVector.fromArray(S, quads, at + 2 * stride);
      FloatVector g11 = FloatVector.fromArray(S, quads, at + 3 * stride);
      // G g, row r's two columns at (2r)·L and (2r + 1)·L. A loaded vector is stored as v · 1 (exact): C2 (JDK 17)
      // failed its store intrinsic on an unchanged load and boxed the method's vectors.
      g00.mul(one).intoArray(rows, 0);
      g01.mul(one).intoArray(rows, L);
      g00.add(g10).mul(half).intoArray(rows, 2 * L);
      g01.add(g11).mul(half).intoArray(rows, 3 * L);
      g00.sub(g10).mul(half).intoArray(rows, 4 * L);
      g01.sub(g11).mul(half).intoArray(rows, 5 * L);
      g10.mul(minusOne).intoArray(rows, 6 * L);
      g11.mul(minusOne).intoArray(rows, 7 * L);
      for (int r = 0; r < 4; r++) {
        FloatVector u = FloatVector.fromArray(S, rows, 2 * r * L);
        FloatVector v = FloatVector.fromArray(S, rows, (2 * r + 1) * L);
        int o = outOff + j + 4 * r * matrix;
        u.mul(one).intoArray(out, o);
        u.add(v).mul(half).intoArray(out, o + matrix);
        u.sub(v).mul(half).intoArray(out, o + 2 * matrix);
        v.mul(minusOne).intoArray(out, o + 3 * matrix);
      }
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
      int m = productsOff + j;
      for (int k = 0; k < 4; k++) {
        // Column k of the products' rows M0…M3, combined into rows (M0 + M1) + M2 and (M1 − M2) − M3 of Aᵀ M.
        FloatVector m0 = FloatVector.fromArray(S, products, m + k * matrix);
        FloatVector m1 = FloatVector.fromArray(S, products, m + (4 + k) * matrix);
        FloatVector m2 = FloatVector.fromArray(S, products, m + (8 + k) * matrix);
        FloatVector m3 = FloatVector.fromArray(S, products, m + (12 + k) * matrix);
        m0.add(m1).add(m2).intoArray(rows, k * L);
        m1.sub(m2).sub(m3).intoArray(rows, (4 + k) * L);
      }
      for (int r = 0; r < 2; r++) {
        // Row r of Aᵀ M, its columns combined the same way: Y[2r], Y[2r + 1].
        FloatVector x0 = FloatVector.fromArray(S, rows, 4 * r * L);
        FloatVector x1 = FloatVector.fromArray(S, rows, (4 * r + 1) * L);
        FloatVector x2 = FloatVector.fromArray(S, rows, (4 * r + 2) * L);
        FloatVector x3 = FloatVector.fromArray(S, rows, (4 * r + 3) * L);
        int y = outOff + j + 2 * r * ld;
        x0.add(x1).add(x2).intoArray(out, y);
        x1.sub(x2).sub(x3).intoArray(out, y + ld);
      }
    }
  }

  @Override
  public int workSize() {
    return 16 * L;
  }
}
