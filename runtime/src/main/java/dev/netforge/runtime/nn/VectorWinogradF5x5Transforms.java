package dev.netforge.runtime.nn;

import dev.netforge.runtime.gemm.Sgemm;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link WinogradF5x5Transforms} a vector of tiles at a time, in the forms {@link VectorWinogradF4x4Transforms}
 * explains: the input transform {@link VectorWinogradF3x3Transforms}', the products loaded as they lie, the output
 * transform two loops with Aᵀ M's vectors kept in the caller's {@code work} between them (the gradient transform
 * likewise with g Aᵀ's), no vector passed to or returned from a helper, the constants loaded inside the loops, each
 * loop a method of its own over 325 bytes of bytecode so that C2 compiles it alone. Loaded only when {@code
 * jdk.incubator.vector} is present.
 */
final class VectorWinogradF5x5Transforms implements WinogradF5x5Transforms {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();
  private static final int ALPHA = WinogradF3x3Transforms.ALPHA;
  /** Floats of Aᵀ M's (or g Aᵀ's) five rows of seven for L tiles, over L. */
  private static final int ROWS = TILE * ALPHA;

  /** L copies each of 2, 4, 8, 16, ½, ¼, ⅛ and 1/16. */
  private static final float[] CONSTANTS = new float[8 * L];

  static {
    float[] powers = {2f, 4f, 8f, 16f, 0.5f, 0.25f, 0.125f, 0.0625f};
    for (int i = 0; i < powers.length; i++) {
      java.util.Arrays.fill(CONSTANTS, i * L, (i + 1) * L, powers[i]);
    }
  }

  private final WinogradF3x3Transforms sevenBySeven = new VectorWinogradF3x3Transforms();
  private final WinogradF5x5Transforms scalar = new ScalarWinogradF5x5Transforms();

  @Override
  public void input(float[] planes, int[] tileAt, int tileAtOff, int width, float[] out, int outOff, int matrix, float[] work) {
    sevenBySeven.input(planes, tileAt, tileAtOff, width, out, outOff, matrix, work);
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
   * and column k at {@code rows[(35j / L + 7r + k)·L]}.
   */
  private static void outputColumns(float[] products, int productsOff, int matrix, float[] rows, int nr) {
    for (int j = 0; j < nr; j += L) {
      int mi = productsOff + j;
      int at = ROWS * j;
      for (int k = 0; k < ALPHA; k++) {
        FloatVector two = FloatVector.fromArray(S, CONSTANTS, 0);
        FloatVector four = FloatVector.fromArray(S, CONSTANTS, L);
        FloatVector eight = FloatVector.fromArray(S, CONSTANTS, 2 * L);
        FloatVector sixteen = FloatVector.fromArray(S, CONSTANTS, 3 * L);
        FloatVector half = FloatVector.fromArray(S, CONSTANTS, 4 * L);
        FloatVector quarter = FloatVector.fromArray(S, CONSTANTS, 5 * L);
        FloatVector eighth = FloatVector.fromArray(S, CONSTANTS, 6 * L);
        FloatVector sixteenth = FloatVector.fromArray(S, CONSTANTS, 7 * L);
        FloatVector m0 = FloatVector.fromArray(S, products, mi + k * matrix);
        FloatVector m1 = FloatVector.fromArray(S, products, mi + (7 + k) * matrix);
        FloatVector m2 = FloatVector.fromArray(S, products, mi + (14 + k) * matrix);
        FloatVector m3 = FloatVector.fromArray(S, products, mi + (21 + k) * matrix);
        FloatVector m4 = FloatVector.fromArray(S, products, mi + (28 + k) * matrix);
        FloatVector m5 = FloatVector.fromArray(S, products, mi + (35 + k) * matrix);
        FloatVector m6 = FloatVector.fromArray(S, products, mi + (42 + k) * matrix);
        FloatVector a = m1.add(m2);
        FloatVector b = m1.sub(m2);
        FloatVector c = m3.add(m4);
        FloatVector d = m3.sub(m4);
        m0.add(a).add(c).add(m5).intoArray(rows, at + k * L);
        b.add(d.mul(half)).add(m5.mul(two)).intoArray(rows, at + (7 + k) * L);
        a.add(c.mul(quarter)).add(m5.mul(four)).intoArray(rows, at + (14 + k) * L);
        b.add(d.mul(eighth)).add(m5.mul(eight)).intoArray(rows, at + (21 + k) * L);
        a.add(c.mul(sixteenth)).add(m5.mul(sixteen)).add(m6).intoArray(rows, at + (28 + k) * L);
      }
    }
  }

  /** {@link #outputColumns}' rows, each one's columns combined the same way: Y[5r…5r+4] to {@code out[outOff + j + (5r + k)·ld]}. */
  private static void outputRows(float[] rows, float[] out, int outOff, int ld, int nr) {
    for (int j = 0; j < nr; j += L) {
      int at = ROWS * j;
      for (int r = 0; r < TILE; r++) {
        FloatVector two = FloatVector.fromArray(S, CONSTANTS, 0);
        FloatVector four = FloatVector.fromArray(S, CONSTANTS, L);
        FloatVector eight = FloatVector.fromArray(S, CONSTANTS, 2 * L);
        FloatVector sixteen = FloatVector.fromArray(S, CONSTANTS, 3 * L);
        FloatVector half = FloatVector.fromArray(S, CONSTANTS, 4 * L);
        FloatVector quarter = FloatVector.fromArray(S, CONSTANTS, 5 * L);
        FloatVector eighth = FloatVector.fromArray(S, CONSTANTS, 6 * L);
        FloatVector sixteenth = FloatVector.fromArray(S, CONSTANTS, 7 * L);
        FloatVector x0 = FloatVector.fromArray(S, rows, at + 7 * r * L);
        FloatVector x1 = FloatVector.fromArray(S, rows, at + (7 * r + 1) * L);
        FloatVector x2 = FloatVector.fromArray(S, rows, at + (7 * r + 2) * L);
        FloatVector x3 = FloatVector.fromArray(S, rows, at + (7 * r + 3) * L);
        FloatVector x4 = FloatVector.fromArray(S, rows, at + (7 * r + 4) * L);
        FloatVector x5 = FloatVector.fromArray(S, rows, at + (7 * r + 5) * L);
        FloatVector x6 = FloatVector.fromArray(S, rows, at + (7 * r + 6) * L);
        FloatVector a = x1.add(x2);
        FloatVector b = x1.sub(x2);
        FloatVector c = x3.add(x4);
        FloatVector d = x3.sub(x4);
        int y = outOff + j + TILE * r * ld;
        x0.add(a).add(c).add(x5).intoArray(out, y);
        b.add(d.mul(half)).add(x5.mul(two)).intoArray(out, y + ld);
        a.add(c.mul(quarter)).add(x5.mul(four)).intoArray(out, y + 2 * ld);
        b.add(d.mul(eighth)).add(x5.mul(eight)).intoArray(out, y + 3 * ld);
        a.add(c.mul(sixteenth)).add(x5.mul(sixteen)).add(x6).intoArray(out, y + 4 * ld);
      }
    }
  }

  @Override
  public void gradient(float[] tiles, int tilesOff, int stride, float[] out, int outOff, int matrix, float[] work) {
    int nr = Sgemm.panelWidth();
    if (nr % L != 0) {
      scalar.gradient(tiles, tilesOff, stride, out, outOff, matrix, work);
      return;
    }
    gradientRows(tiles, tilesOff, stride, work, nr);
    gradientColumns(work, out, outOff, matrix, nr);
  }

  /**
   * g Aᵀ of the panel's tiles, L at a time, tile j's (row i, column k) at {@code tiles[at + j + (5i + k)·stride]}: for
   * the tiles from j, row i and column q at {@code rows[(35j / L + 7i + q)·L]}.
   */
  private static void gradientRows(float[] tiles, int at, int stride, float[] rows, int nr) {
    for (int j = 0; j < nr; j += L) {
      int to = ROWS * j;
      for (int i = 0; i < TILE; i++) {
        FloatVector two = FloatVector.fromArray(S, CONSTANTS, 0);
        FloatVector four = FloatVector.fromArray(S, CONSTANTS, L);
        FloatVector eight = FloatVector.fromArray(S, CONSTANTS, 2 * L);
        FloatVector sixteen = FloatVector.fromArray(S, CONSTANTS, 3 * L);
        FloatVector half = FloatVector.fromArray(S, CONSTANTS, 4 * L);
        FloatVector quarter = FloatVector.fromArray(S, CONSTANTS, 5 * L);
        FloatVector eighth = FloatVector.fromArray(S, CONSTANTS, 6 * L);
        FloatVector sixteenth = FloatVector.fromArray(S, CONSTANTS, 7 * L);
        int row = at + j + TILE * i * stride;
        FloatVector g0 = FloatVector.fromArray(S, tiles, row);
        FloatVector g1 = FloatVector.fromArray(S, tiles, row + stride);
        FloatVector g2 = FloatVector.fromArray(S, tiles, row + 2 * stride);
        FloatVector g3 = FloatVector.fromArray(S, tiles, row + 3 * stride);
        FloatVector g4 = FloatVector.fromArray(S, tiles, row + 4 * stride);
        FloatVector e = g0.add(g2).add(g4);
        FloatVector o = g1.add(g3);
        FloatVector f = g0.add(g2.mul(quarter)).add(g4.mul(sixteenth));
        FloatVector h = g1.mul(half).add(g3.mul(eighth));
        int w = to + 7 * i * L;
        g0.intoArray(rows, w);
        e.add(o).intoArray(rows, w + L);
        e.sub(o).intoArray(rows, w + 2 * L);
        f.add(h).intoArray(rows, w + 3 * L);
        f.sub(h).intoArray(rows, w + 4 * L);
        g0.add(g2.mul(four)).add(g4.mul(sixteen)).add(g1.mul(two).add(g3.mul(eight))).intoArray(rows, w + 5 * L);
        g4.intoArray(rows, w + 6 * L);
      }
    }
  }

  /**
   * Ĝ = A (g Aᵀ): each column q of {@link #gradientRows}' rows combined the same way, Ĝ[7r + q] to {@code out[outOff + j
   * + (7r + q)·matrix]}.
   */
  private static void gradientColumns(float[] rows, float[] out, int outOff, int matrix, int nr) {
    for (int j = 0; j < nr; j += L) {
      int from = ROWS * j;
      for (int q = 0; q < ALPHA; q++) {
        FloatVector two = FloatVector.fromArray(S, CONSTANTS, 0);
        FloatVector four = FloatVector.fromArray(S, CONSTANTS, L);
        FloatVector eight = FloatVector.fromArray(S, CONSTANTS, 2 * L);
        FloatVector sixteen = FloatVector.fromArray(S, CONSTANTS, 3 * L);
        FloatVector half = FloatVector.fromArray(S, CONSTANTS, 4 * L);
        FloatVector quarter = FloatVector.fromArray(S, CONSTANTS, 5 * L);
        FloatVector eighth = FloatVector.fromArray(S, CONSTANTS, 6 * L);
        FloatVector sixteenth = FloatVector.fromArray(S, CONSTANTS, 7 * L);
        FloatVector g0 = FloatVector.fromArray(S, rows, from + q * L);
        FloatVector g1 = FloatVector.fromArray(S, rows, from + (7 + q) * L);
        FloatVector g2 = FloatVector.fromArray(S, rows, from + (14 + q) * L);
        FloatVector g3 = FloatVector.fromArray(S, rows, from + (21 + q) * L);
        FloatVector g4 = FloatVector.fromArray(S, rows, from + (28 + q) * L);
        FloatVector e = g0.add(g2).add(g4);
        FloatVector o = g1.add(g3);
        FloatVector f = g0.add(g2.mul(quarter)).add(g4.mul(sixteenth));
        FloatVector h = g1.mul(half).add(g3.mul(eighth));
        int w = outOff + j + q * matrix;
        g0.intoArray(out, w);
        e.add(o).intoArray(out, w + 7 * matrix);
        e.sub(o).intoArray(out, w + 14 * matrix);
        f.add(h).intoArray(out, w + 21 * matrix);
        f.sub(h).intoArray(out, w + 28 * matrix);
        g0.add(g2.mul(four)).add(g4.mul(sixteen)).add(g1.mul(two).add(g3.mul(eight))).intoArray(out, w + 35 * matrix);
        g4.intoArray(out, w + 42 * matrix);
      }
    }
  }

  @Override
  public int workSize() {
    return Math.max(ROWS * Sgemm.panelWidth(), sevenBySeven.workSize());
  }
}
