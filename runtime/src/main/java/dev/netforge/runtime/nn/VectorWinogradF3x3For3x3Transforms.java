package dev.netforge.runtime.nn;

import dev.netforge.runtime.gemm.Sgemm;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link WinogradF3x3For3x3Transforms} a vector of tiles at a time, in the forms {@link VectorWinogradF4x4Transforms}
 * explains: the input tiles' values gathered across the vector's tiles (from one gather in a loop), the products
 * loaded as they lie, each transform two loops with its first pass's vectors kept in the caller's {@code work}, no
 * vector passed to or returned from a helper, the constants loaded inside the loops, each loop a method of its own. Loaded only when {@code jdk.incubator.vector} is present.
 */
final class VectorWinogradF3x3For3x3Transforms implements WinogradF3x3For3x3Transforms {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();
  private static final int POINTS = ALPHA * ALPHA;

  /** L copies each of 2 and 4. */
  private static final float[] CONSTANTS = new float[2 * L];

  static {
    java.util.Arrays.fill(CONSTANTS, 0, L, 2f);
    java.util.Arrays.fill(CONSTANTS, L, 2 * L, 4f);
  }

  private final WinogradF3x3For3x3Transforms scalar = new ScalarWinogradF3x3For3x3Transforms();

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
   * Bᵀ d of the L tiles whose corners are {@code tileAt[map…]}: row r, column k at {@code rows[(5r + k)·L]}, from the
   * tiles' 25 values gathered first into {@code rows} from 25·L.
   */
  private static void inputColumns(float[] planes, int[] tileAt, int map, int width, float[] rows) {
    for (int i = 0; i < ALPHA; i++) {
      for (int k = 0; k < ALPHA; k++) {
        FloatVector.fromArray(S, planes, i * width + k, tileAt, map).intoArray(rows, (POINTS + ALPHA * i + k) * L);
      }
    }
    for (int k = 0; k < ALPHA; k++) {
      // Column k of the tiles' rows into column k of Bᵀ d.
      FloatVector two = FloatVector.fromArray(S, CONSTANTS, 0);
      FloatVector x0 = FloatVector.fromArray(S, rows, (POINTS + k) * L);
      FloatVector x1 = FloatVector.fromArray(S, rows, (POINTS + ALPHA + k) * L);
      FloatVector x2 = FloatVector.fromArray(S, rows, (POINTS + 2 * ALPHA + k) * L);
      FloatVector x3 = FloatVector.fromArray(S, rows, (POINTS + 3 * ALPHA + k) * L);
      FloatVector x4 = FloatVector.fromArray(S, rows, (POINTS + 4 * ALPHA + k) * L);
      FloatVector s = x3.sub(x2);
      x0.sub(x2).mul(two).add(x3.sub(x1)).intoArray(rows, k * L);
      s.sub(x1.mul(two)).intoArray(rows, (ALPHA + k) * L);
      s.add(x1.sub(x2).mul(two)).intoArray(rows, (2 * ALPHA + k) * L);
      x3.sub(x1).intoArray(rows, (3 * ALPHA + k) * L);
      x1.sub(x3).mul(two).add(x4.sub(x2)).intoArray(rows, (4 * ALPHA + k) * L);
    }
  }

  /** {@link #inputColumns}' rows, each one's columns combined the same way: V[5r…5r+4] to {@code out[at + ξ·matrix]}. */
  private static void inputRows(float[] rows, float[] out, int at, int matrix) {
    for (int r = 0; r < ALPHA; r++) {
      FloatVector two = FloatVector.fromArray(S, CONSTANTS, 0);
      FloatVector x0 = FloatVector.fromArray(S, rows, ALPHA * r * L);
      FloatVector x1 = FloatVector.fromArray(S, rows, (ALPHA * r + 1) * L);
      FloatVector x2 = FloatVector.fromArray(S, rows, (ALPHA * r + 2) * L);
      FloatVector x3 = FloatVector.fromArray(S, rows, (ALPHA * r + 3) * L);
      FloatVector x4 = FloatVector.fromArray(S, rows, (ALPHA * r + 4) * L);
      FloatVector s = x3.sub(x2);
      int v = at + ALPHA * r * matrix;
      x0.sub(x2).mul(two).add(x3.sub(x1)).intoArray(out, v);
      s.sub(x1.mul(two)).intoArray(out, v + matrix);
      s.add(x1.sub(x2).mul(two)).intoArray(out, v + 2 * matrix);
      x3.sub(x1).intoArray(out, v + 3 * matrix);
      x1.sub(x3).mul(two).add(x4.sub(x2)).intoArray(out, v + 4 * matrix);
    }
  }

  @Override
  public void output(float[] products, int productsOff, int matrix, float[] out, int outOff, int ld, float[] work) {
    int nr = Sgemm.panelWidth();
    if (nr % L != 0) {
      scalar.output(products, productsOff, matrix, out, outOff, ld, work);
      return;
    }
    outputColumns(products, productsOff, matrix, work, nr);
    outputRows(work, out, outOff, ld, nr);
  }

  /**
   * Aᵀ M of the panel's tiles, L at a time, their M_ξ at {@code products[mi + ξ·matrix]}: for the tiles from j, row r
   * and column k at {@code rows[(15j / L + 5r + k)·L]}.
   */
  private static void outputColumns(float[] products, int productsOff, int matrix, float[] rows, int nr) {
    for (int j = 0; j < nr; j += L) {
      int mi = productsOff + j;
      int at = TILE * ALPHA * j;
      for (int k = 0; k < ALPHA; k++) {
        FloatVector two = FloatVector.fromArray(S, CONSTANTS, 0);
        FloatVector four = FloatVector.fromArray(S, CONSTANTS, L);
        FloatVector m0 = FloatVector.fromArray(S, products, mi + k * matrix);
        FloatVector m1 = FloatVector.fromArray(S, products, mi + (ALPHA + k) * matrix);
        FloatVector m2 = FloatVector.fromArray(S, products, mi + (2 * ALPHA + k) * matrix);
        FloatVector m3 = FloatVector.fromArray(S, products, mi + (3 * ALPHA + k) * matrix);
        FloatVector m4 = FloatVector.fromArray(S, products, mi + (4 * ALPHA + k) * matrix);
        FloatVector a = m1.add(m2);
        m0.add(a).add(m3).intoArray(rows, at + k * L);
        m1.sub(m2).add(m3.mul(two)).intoArray(rows, at + (ALPHA + k) * L);
        a.add(m3.mul(four)).add(m4).intoArray(rows, at + (2 * ALPHA + k) * L);
      }
    }
  }

  /** {@link #outputColumns}' rows, each one's columns combined the same way: Y[3r…3r+2] to {@code out[outOff + j + (3r + q)·ld]}. */
  private static void outputRows(float[] rows, float[] out, int outOff, int ld, int nr) {
    for (int j = 0; j < nr; j += L) {
      int at = TILE * ALPHA * j;
      for (int r = 0; r < TILE; r++) {
        FloatVector two = FloatVector.fromArray(S, CONSTANTS, 0);
        FloatVector four = FloatVector.fromArray(S, CONSTANTS, L);
        FloatVector x0 = FloatVector.fromArray(S, rows, at + ALPHA * r * L);
        FloatVector x1 = FloatVector.fromArray(S, rows, at + (ALPHA * r + 1) * L);
        FloatVector x2 = FloatVector.fromArray(S, rows, at + (ALPHA * r + 2) * L);
        FloatVector x3 = FloatVector.fromArray(S, rows, at + (ALPHA * r + 3) * L);
        FloatVector x4 = FloatVector.fromArray(S, rows, at + (ALPHA * r + 4) * L);
        FloatVector a = x1.add(x2);
        int y = outOff + j + TILE * r * ld;
        x0.add(a).add(x3).intoArray(out, y);
        x1.sub(x2).add(x3.mul(two)).intoArray(out, y + ld);
        a.add(x3.mul(four)).add(x4).intoArray(out, y + 2 * ld);
      }
    }
  }

  @Override
  public int workSize() {
    return Math.max(2 * POINTS * L, TILE * ALPHA * Sgemm.panelWidth());
  }
}
