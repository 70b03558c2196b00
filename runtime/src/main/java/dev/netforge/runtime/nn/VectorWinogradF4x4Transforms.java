package dev.netforge.runtime.nn;

import dev.netforge.runtime.gemm.Sgemm;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link WinogradF4x4Transforms} a vector of tiles at a time, in the forms {@link VectorWinograd5x5Transforms} explains
 * (whose input transform this one is): the products loaded as they lie, the output transform two loops with Aᵀ M's
 * vectors kept in the caller's {@code work} between them (the gradient transform likewise with g Aᵀ's), no vector
 * passed to or returned from a helper, the constants loaded inside the loops. The loops are methods of their own, each
 * over 325 bytes of bytecode (FreqInlineSize) so that C2 compiles it alone: in one method, or as two smaller methods
 * inlined into one, C2 ran them boxed (44 MB allocated per AlexNetTorchvision forward pass). Loaded only when {@code
 * jdk.incubator.vector} is present.
 */
final class VectorWinogradF4x4Transforms implements WinogradF4x4Transforms {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();

  /** L copies each of 2, 4 and 8. */
  private static final float[] CONSTANTS = new float[3 * L];

  static {
    java.util.Arrays.fill(CONSTANTS, 0, L, 2f);
    java.util.Arrays.fill(CONSTANTS, L, 2 * L, 4f);
    java.util.Arrays.fill(CONSTANTS, 2 * L, 3 * L, 8f);
  }

  private final Winograd5x5Transforms sixBySix = new VectorWinograd5x5Transforms();
  private final WinogradF4x4Transforms scalar = new ScalarWinogradF4x4Transforms();

  @Override
  public void input(float[] planes, int[] tileAt, int tileAtOff, int width, float[] out, int outOff, int matrix, float[] work) {
    sixBySix.input(planes, tileAt, tileAtOff, width, out, outOff, matrix, work);
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
   * and column k at {@code rows[(24j / L + 6r + k)·L]}.
   */
  private static void outputColumns(float[] products, int productsOff, int matrix, float[] rows, int nr) {
    for (int j = 0; j < nr; j += L) {
      int mi = productsOff + j;
      int at = 24 * j;
      for (int k = 0; k < 6; k++) {
        FloatVector two = FloatVector.fromArray(S, CONSTANTS, 0);
        FloatVector four = FloatVector.fromArray(S, CONSTANTS, L);
        FloatVector eight = FloatVector.fromArray(S, CONSTANTS, 2 * L);
        FloatVector m0 = FloatVector.fromArray(S, products, mi + k * matrix);
        FloatVector m1 = FloatVector.fromArray(S, products, mi + (6 + k) * matrix);
        FloatVector m2 = FloatVector.fromArray(S, products, mi + (12 + k) * matrix);
        FloatVector m3 = FloatVector.fromArray(S, products, mi + (18 + k) * matrix);
        FloatVector m4 = FloatVector.fromArray(S, products, mi + (24 + k) * matrix);
        FloatVector m5 = FloatVector.fromArray(S, products, mi + (30 + k) * matrix);
        FloatVector a = m1.add(m2);
        FloatVector b = m1.sub(m2);
        FloatVector c = m3.add(m4);
        FloatVector d = m3.sub(m4);
        m0.add(a).add(c).intoArray(rows, at + k * L);
        b.add(d.mul(two)).intoArray(rows, at + (6 + k) * L);
        a.add(c.mul(four)).intoArray(rows, at + (12 + k) * L);
        b.add(d.mul(eight)).add(m5).intoArray(rows, at + (18 + k) * L);
      }
    }
  }

  /** {@link #outputColumns}' rows, each one's columns combined the same way: Y[4r…4r+3] to {@code out[outOff + j + (4r + k)·ld]}. */
  private static void outputRows(float[] rows, float[] out, int outOff, int ld, int nr) {
    for (int j = 0; j < nr; j += L) {
      int at = 24 * j;
      for (int r = 0; r < 4; r++) {
        FloatVector two = FloatVector.fromArray(S, CONSTANTS, 0);
        FloatVector four = FloatVector.fromArray(S, CONSTANTS, L);
        FloatVector eight = FloatVector.fromArray(S, CONSTANTS, 2 * L);
        FloatVector x0 = FloatVector.fromArray(S, rows, at + 6 * r * L);
        FloatVector x1 = FloatVector.fromArray(S, rows, at + (6 * r + 1) * L);
        FloatVector x2 = FloatVector.fromArray(S, rows, at + (6 * r + 2) * L);
        FloatVector x3 = FloatVector.fromArray(S, rows, at + (6 * r + 3) * L);
        FloatVector x4 = FloatVector.fromArray(S, rows, at + (6 * r + 4) * L);
        FloatVector x5 = FloatVector.fromArray(S, rows, at + (6 * r + 5) * L);
        FloatVector a = x1.add(x2);
        FloatVector b = x1.sub(x2);
        FloatVector c = x3.add(x4);
        FloatVector d = x3.sub(x4);
        int y = outOff + j + 4 * r * ld;
        x0.add(a).add(c).intoArray(out, y);
        b.add(d.mul(two)).intoArray(out, y + ld);
        a.add(c.mul(four)).intoArray(out, y + 2 * ld);
        b.add(d.mul(eight)).add(x5).intoArray(out, y + 3 * ld);
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
   * g Aᵀ of the panel's tiles, L at a time, tile j's (row i, column k) at {@code tiles[at + j + (4i + k)·stride]}: for
   * the tiles from j, row i and column q at {@code rows[(24j / L + 6i + q)·L]}.
   */
  private static void gradientRows(float[] tiles, int at, int stride, float[] rows, int nr) {
    for (int j = 0; j < nr; j += L) {
      int to = 24 * j;
      for (int i = 0; i < 4; i++) {
        FloatVector two = FloatVector.fromArray(S, CONSTANTS, 0);
        FloatVector four = FloatVector.fromArray(S, CONSTANTS, L);
        FloatVector eight = FloatVector.fromArray(S, CONSTANTS, 2 * L);
        int row = at + j + 4 * i * stride;
        FloatVector g0 = FloatVector.fromArray(S, tiles, row);
        FloatVector g1 = FloatVector.fromArray(S, tiles, row + stride);
        FloatVector g2 = FloatVector.fromArray(S, tiles, row + 2 * stride);
        FloatVector g3 = FloatVector.fromArray(S, tiles, row + 3 * stride);
        FloatVector a = g0.add(g2);
        FloatVector b = g1.add(g3);
        FloatVector c = g0.add(g2.mul(four));
        FloatVector d = g1.mul(two).add(g3.mul(eight));
        g0.intoArray(rows, to + 6 * i * L);
        a.add(b).intoArray(rows, to + (6 * i + 1) * L);
        a.sub(b).intoArray(rows, to + (6 * i + 2) * L);
        c.add(d).intoArray(rows, to + (6 * i + 3) * L);
        c.sub(d).intoArray(rows, to + (6 * i + 4) * L);
        g3.intoArray(rows, to + (6 * i + 5) * L);
      }
    }
  }

  /**
   * Ĝ = A (g Aᵀ): each column q of {@link #gradientRows}' rows combined the same way, Ĝ[6r + q] to {@code out[outOff + j
   * + (6r + q)·matrix]}.
   */
  private static void gradientColumns(float[] rows, float[] out, int outOff, int matrix, int nr) {
    for (int j = 0; j < nr; j += L) {
      int from = 24 * j;
      for (int q = 0; q < 6; q++) {
        FloatVector two = FloatVector.fromArray(S, CONSTANTS, 0);
        FloatVector four = FloatVector.fromArray(S, CONSTANTS, L);
        FloatVector eight = FloatVector.fromArray(S, CONSTANTS, 2 * L);
        FloatVector g0 = FloatVector.fromArray(S, rows, from + q * L);
        FloatVector g1 = FloatVector.fromArray(S, rows, from + (6 + q) * L);
        FloatVector g2 = FloatVector.fromArray(S, rows, from + (12 + q) * L);
        FloatVector g3 = FloatVector.fromArray(S, rows, from + (18 + q) * L);
        FloatVector a = g0.add(g2);
        FloatVector b = g1.add(g3);
        FloatVector c = g0.add(g2.mul(four));
        FloatVector d = g1.mul(two).add(g3.mul(eight));
        g0.intoArray(out, outOff + j + q * matrix);
        a.add(b).intoArray(out, outOff + j + (6 + q) * matrix);
        a.sub(b).intoArray(out, outOff + j + (12 + q) * matrix);
        c.add(d).intoArray(out, outOff + j + (18 + q) * matrix);
        c.sub(d).intoArray(out, outOff + j + (24 + q) * matrix);
        g3.intoArray(out, outOff + j + (30 + q) * matrix);
      }
    }
  }

  @Override
  public int workSize() {
    return Math.max(24 * Sgemm.panelWidth(), sixBySix.workSize());
  }
}
