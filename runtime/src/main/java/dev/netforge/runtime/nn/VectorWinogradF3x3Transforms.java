package dev.netforge.runtime.nn;

import dev.netforge.runtime.gemm.Sgemm;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link WinogradF3x3Transforms} a vector of tiles at a time: the input tiles' values gathered across the vector's
 * tiles, the products and the gradient's tiles loaded as they lie, each pass a loop over the matrix's rows (or
 * columns) with its vectors kept in the caller's {@code work}, no vector passed to or returned from a helper (the forms
 * C2 of JDK 17 compiles without boxing inside a whole network's step). Loaded only when {@code jdk.incubator.vector} is
 * present.
 *
 * <p>Each pass is written out from the matrices' rows: the zero coefficients (15 of Bᵀ's 49, 4 of Aᵀ's 21) are left
 * out, and a coefficient of ±1 is an addition or a subtraction. A loop over all 49 coefficients from a table, as this
 * class ran until session 32, took two and a half times as long per pass (docs/performance.md). The sums still run from
 * +0, left to right, one rounding per nonzero coefficient, so for finite values they are the bits of {@link
 * ScalarWinogradF3x3Transforms}, which skips the same zeros: a zero coefficient's product adds ±0, which leaves a sum
 * unchanged. The constants are loaded inside the loops, from {@link #CONSTANTS}, as {@link VectorWinograd5x5Transforms}
 * explains.
 */
final class VectorWinogradF3x3Transforms implements WinogradF3x3Transforms {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();

  /**
   * L copies each of ½, −½, ¼, 2, −2, 4, 5/2, −5/2, −5/4, −9/4, ¾, 7/4, −3, 3/2 and −3/2: the coefficients of Bᵀ and Aᵀ
   * other than 0 and ±1.
   */
  private static final float[] CONSTANTS = spread(
    0.5f, -0.5f, 0.25f, 2.0f, -2.0f, 4.0f, 2.5f, -2.5f, -1.25f, -2.25f, 0.75f, 1.75f, -3.0f, 1.5f, -1.5f);

  private final WinogradF3x3Transforms scalar = new ScalarWinogradF3x3Transforms();

  private static float[] spread(float... values) {
    float[] spread = new float[values.length * L];
    for (int i = 0; i < values.length; i++) {
      java.util.Arrays.fill(spread, i * L, (i + 1) * L, values[i]);
    }
    return spread;
  }

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
   * Bᵀ d of the L tiles whose corners are {@code tileAt[map…]}: row r, column k at {@code rows[(7r + k)·L]}, from the
   * tiles' 49 values gathered first into {@code rows} from 49·L (from one gather in a loop: written out, gathers pass
   * C2's DesiredMethodLimit, {@link VectorWinograd5x5Transforms}).
   */
  private static void inputColumns(float[] planes, int[] tileAt, int map, int width, float[] rows) {
    for (int i = 0; i < ALPHA; i++) {
      for (int k = 0; k < ALPHA; k++) {
        FloatVector.fromArray(S, planes, i * width + k, tileAt, map).intoArray(rows, (ALPHA * ALPHA + ALPHA * i + k) * L);
      }
    }
    for (int k = 0; k < ALPHA; k++) {
      // Column k of the tiles' rows d0…d6 into rows t0…t6 of Bᵀ d: row r of Bᵀ applied to the column.
      FloatVector zero = FloatVector.zero(S);
      FloatVector half = FloatVector.fromArray(S, CONSTANTS, 0);
      FloatVector minusHalf = FloatVector.fromArray(S, CONSTANTS, 1 * L);
      FloatVector quarter = FloatVector.fromArray(S, CONSTANTS, 2 * L);
      FloatVector minusTwo = FloatVector.fromArray(S, CONSTANTS, 4 * L);
      FloatVector fiveHalves = FloatVector.fromArray(S, CONSTANTS, 6 * L);
      FloatVector minusFiveHalves = FloatVector.fromArray(S, CONSTANTS, 7 * L);
      FloatVector minusFiveQuarters = FloatVector.fromArray(S, CONSTANTS, 8 * L);
      FloatVector minusNineQuarters = FloatVector.fromArray(S, CONSTANTS, 9 * L);
      FloatVector threeQuarters = FloatVector.fromArray(S, CONSTANTS, 10 * L);
      FloatVector sevenQuarters = FloatVector.fromArray(S, CONSTANTS, 11 * L);
      FloatVector minusThree = FloatVector.fromArray(S, CONSTANTS, 12 * L);
      FloatVector threeHalves = FloatVector.fromArray(S, CONSTANTS, 13 * L);
      FloatVector minusThreeHalves = FloatVector.fromArray(S, CONSTANTS, 14 * L);
      FloatVector d0 = FloatVector.fromArray(S, rows, (49 + k) * L);
      FloatVector d1 = FloatVector.fromArray(S, rows, (56 + k) * L);
      FloatVector d2 = FloatVector.fromArray(S, rows, (63 + k) * L);
      FloatVector d3 = FloatVector.fromArray(S, rows, (70 + k) * L);
      FloatVector d4 = FloatVector.fromArray(S, rows, (77 + k) * L);
      FloatVector d5 = FloatVector.fromArray(S, rows, (84 + k) * L);
      FloatVector d6 = FloatVector.fromArray(S, rows, (91 + k) * L);
      FloatVector t0 = d0.fma(minusHalf, zero);
      t0 = d1.fma(quarter, t0);
      t0 = d2.fma(fiveHalves, t0);
      t0 = d3.fma(minusFiveQuarters, t0);
      t0 = d4.fma(minusTwo, t0);
      t0 = t0.add(d5);
      FloatVector t1 = d1.fma(half, zero);
      t1 = d2.fma(quarter, t1);
      t1 = d3.fma(minusNineQuarters, t1);
      t1 = t1.sub(d4);
      t1 = t1.add(d5);
      FloatVector t2 = d1.fma(minusHalf, zero);
      t2 = d2.fma(threeQuarters, t2);
      t2 = d3.fma(sevenQuarters, t2);
      t2 = d4.fma(minusThree, t2);
      t2 = t2.add(d5);
      FloatVector t3 = zero.add(d1);
      t3 = d2.fma(threeHalves, t3);
      t3 = d3.fma(minusTwo, t3);
      t3 = d4.fma(minusThreeHalves, t3);
      t3 = t3.add(d5);
      FloatVector t4 = zero.sub(d1);
      t4 = d2.fma(fiveHalves, t4);
      t4 = d4.fma(minusFiveHalves, t4);
      t4 = t4.add(d5);
      FloatVector t5 = d1.fma(quarter, zero);
      t5 = d3.fma(minusFiveQuarters, t5);
      t5 = t5.add(d5);
      FloatVector t6 = d1.fma(minusHalf, zero);
      t6 = d2.fma(quarter, t6);
      t6 = d3.fma(fiveHalves, t6);
      t6 = d4.fma(minusFiveQuarters, t6);
      t6 = d5.fma(minusTwo, t6);
      t6 = t6.add(d6);
      t0.intoArray(rows, k * L);
      t1.intoArray(rows, (7 + k) * L);
      t2.intoArray(rows, (14 + k) * L);
      t3.intoArray(rows, (21 + k) * L);
      t4.intoArray(rows, (28 + k) * L);
      t5.intoArray(rows, (35 + k) * L);
      t6.intoArray(rows, (42 + k) * L);
    }
  }

  /** {@link #inputColumns}' rows, each one's columns combined the same way: V[7r…7r+6] to {@code out[at + ξ·matrix]}. */
  private static void inputRows(float[] rows, float[] out, int at, int matrix) {
    for (int r = 0; r < ALPHA; r++) {
      // Row r of Bᵀ d, x0…x6, into V[7r + q] = row q of Bᵀ applied to it.
      FloatVector zero = FloatVector.zero(S);
      FloatVector half = FloatVector.fromArray(S, CONSTANTS, 0);
      FloatVector minusHalf = FloatVector.fromArray(S, CONSTANTS, 1 * L);
      FloatVector quarter = FloatVector.fromArray(S, CONSTANTS, 2 * L);
      FloatVector minusTwo = FloatVector.fromArray(S, CONSTANTS, 4 * L);
      FloatVector fiveHalves = FloatVector.fromArray(S, CONSTANTS, 6 * L);
      FloatVector minusFiveHalves = FloatVector.fromArray(S, CONSTANTS, 7 * L);
      FloatVector minusFiveQuarters = FloatVector.fromArray(S, CONSTANTS, 8 * L);
      FloatVector minusNineQuarters = FloatVector.fromArray(S, CONSTANTS, 9 * L);
      FloatVector threeQuarters = FloatVector.fromArray(S, CONSTANTS, 10 * L);
      FloatVector sevenQuarters = FloatVector.fromArray(S, CONSTANTS, 11 * L);
      FloatVector minusThree = FloatVector.fromArray(S, CONSTANTS, 12 * L);
      FloatVector threeHalves = FloatVector.fromArray(S, CONSTANTS, 13 * L);
      FloatVector minusThreeHalves = FloatVector.fromArray(S, CONSTANTS, 14 * L);
      FloatVector x0 = FloatVector.fromArray(S, rows, 7 * r * L);
      FloatVector x1 = FloatVector.fromArray(S, rows, (7 * r + 1) * L);
      FloatVector x2 = FloatVector.fromArray(S, rows, (7 * r + 2) * L);
      FloatVector x3 = FloatVector.fromArray(S, rows, (7 * r + 3) * L);
      FloatVector x4 = FloatVector.fromArray(S, rows, (7 * r + 4) * L);
      FloatVector x5 = FloatVector.fromArray(S, rows, (7 * r + 5) * L);
      FloatVector x6 = FloatVector.fromArray(S, rows, (7 * r + 6) * L);
      FloatVector v0 = x0.fma(minusHalf, zero);
      v0 = x1.fma(quarter, v0);
      v0 = x2.fma(fiveHalves, v0);
      v0 = x3.fma(minusFiveQuarters, v0);
      v0 = x4.fma(minusTwo, v0);
      v0 = v0.add(x5);
      FloatVector v1 = x1.fma(half, zero);
      v1 = x2.fma(quarter, v1);
      v1 = x3.fma(minusNineQuarters, v1);
      v1 = v1.sub(x4);
      v1 = v1.add(x5);
      FloatVector v2 = x1.fma(minusHalf, zero);
      v2 = x2.fma(threeQuarters, v2);
      v2 = x3.fma(sevenQuarters, v2);
      v2 = x4.fma(minusThree, v2);
      v2 = v2.add(x5);
      FloatVector v3 = zero.add(x1);
      v3 = x2.fma(threeHalves, v3);
      v3 = x3.fma(minusTwo, v3);
      v3 = x4.fma(minusThreeHalves, v3);
      v3 = v3.add(x5);
      FloatVector v4 = zero.sub(x1);
      v4 = x2.fma(fiveHalves, v4);
      v4 = x4.fma(minusFiveHalves, v4);
      v4 = v4.add(x5);
      FloatVector v5 = x1.fma(quarter, zero);
      v5 = x3.fma(minusFiveQuarters, v5);
      v5 = v5.add(x5);
      FloatVector v6 = x1.fma(minusHalf, zero);
      v6 = x2.fma(quarter, v6);
      v6 = x3.fma(fiveHalves, v6);
      v6 = x4.fma(minusFiveQuarters, v6);
      v6 = x5.fma(minusTwo, v6);
      v6 = v6.add(x6);
      v0.intoArray(out, at + 7 * r * matrix);
      v1.intoArray(out, at + (7 * r + 1) * matrix);
      v2.intoArray(out, at + (7 * r + 2) * matrix);
      v3.intoArray(out, at + (7 * r + 3) * matrix);
      v4.intoArray(out, at + (7 * r + 4) * matrix);
      v5.intoArray(out, at + (7 * r + 5) * matrix);
      v6.intoArray(out, at + (7 * r + 6) * matrix);
    }
  }

  @Override
  public void output(float[] products, int productsOff, int matrix, float[] out, int outOff, int ld, float[] work) {
    int nr = Sgemm.panelWidth();
    if (nr % L != 0) {
      scalar.output(products, productsOff, matrix, out, outOff, ld, work);
      return;
    }
    for (int j = 0; j < nr; j += L) {
      outputColumns(products, productsOff + j, matrix, work);
      outputRows(work, out, outOff + j, ld);
    }
  }

  /** Aᵀ M of the L tiles' products at {@code products[mi + ξ·matrix]}: row r, column k at {@code rows[(7r + k)·L]}. */
  private static void outputColumns(float[] products, int mi, int matrix, float[] rows) {
    for (int k = 0; k < ALPHA; k++) {
      // Column k of M, m0…m6, into rows a0…a2 of Aᵀ M.
      FloatVector zero = FloatVector.zero(S);
      FloatVector half = FloatVector.fromArray(S, CONSTANTS, 0);
      FloatVector minusHalf = FloatVector.fromArray(S, CONSTANTS, 1 * L);
      FloatVector quarter = FloatVector.fromArray(S, CONSTANTS, 2 * L);
      FloatVector two = FloatVector.fromArray(S, CONSTANTS, 3 * L);
      FloatVector four = FloatVector.fromArray(S, CONSTANTS, 5 * L);
      FloatVector m0 = FloatVector.fromArray(S, products, mi + k * matrix);
      FloatVector m1 = FloatVector.fromArray(S, products, mi + (7 + k) * matrix);
      FloatVector m2 = FloatVector.fromArray(S, products, mi + (14 + k) * matrix);
      FloatVector m3 = FloatVector.fromArray(S, products, mi + (21 + k) * matrix);
      FloatVector m4 = FloatVector.fromArray(S, products, mi + (28 + k) * matrix);
      FloatVector m5 = FloatVector.fromArray(S, products, mi + (35 + k) * matrix);
      FloatVector m6 = FloatVector.fromArray(S, products, mi + (42 + k) * matrix);
      FloatVector a0 = zero.add(m0);
      a0 = a0.add(m1);
      a0 = a0.add(m2);
      a0 = a0.add(m3);
      a0 = a0.add(m4);
      a0 = a0.add(m5);
      FloatVector a1 = zero.add(m1);
      a1 = a1.sub(m2);
      a1 = m3.fma(half, a1);
      a1 = m4.fma(minusHalf, a1);
      a1 = m5.fma(two, a1);
      FloatVector a2 = zero.add(m1);
      a2 = a2.add(m2);
      a2 = m3.fma(quarter, a2);
      a2 = m4.fma(quarter, a2);
      a2 = m5.fma(four, a2);
      a2 = a2.add(m6);
      a0.intoArray(rows, k * L);
      a1.intoArray(rows, (7 + k) * L);
      a2.intoArray(rows, (14 + k) * L);
    }
  }

  /** {@link #outputColumns}' rows, each one's columns combined the same way: Y[3r…3r+2] to {@code out[at + (3r + q)·ld]}. */
  private static void outputRows(float[] rows, float[] out, int at, int ld) {
    for (int r = 0; r < TILE; r++) {
      // Row r of Aᵀ M, x0…x6, into Y[3r + q] = row q of Aᵀ applied to it.
      FloatVector zero = FloatVector.zero(S);
      FloatVector half = FloatVector.fromArray(S, CONSTANTS, 0);
      FloatVector minusHalf = FloatVector.fromArray(S, CONSTANTS, 1 * L);
      FloatVector quarter = FloatVector.fromArray(S, CONSTANTS, 2 * L);
      FloatVector two = FloatVector.fromArray(S, CONSTANTS, 3 * L);
      FloatVector four = FloatVector.fromArray(S, CONSTANTS, 5 * L);
      FloatVector x0 = FloatVector.fromArray(S, rows, 7 * r * L);
      FloatVector x1 = FloatVector.fromArray(S, rows, (7 * r + 1) * L);
      FloatVector x2 = FloatVector.fromArray(S, rows, (7 * r + 2) * L);
      FloatVector x3 = FloatVector.fromArray(S, rows, (7 * r + 3) * L);
      FloatVector x4 = FloatVector.fromArray(S, rows, (7 * r + 4) * L);
      FloatVector x5 = FloatVector.fromArray(S, rows, (7 * r + 5) * L);
      FloatVector x6 = FloatVector.fromArray(S, rows, (7 * r + 6) * L);
      FloatVector y0 = zero.add(x0);
      y0 = y0.add(x1);
      y0 = y0.add(x2);
      y0 = y0.add(x3);
      y0 = y0.add(x4);
      y0 = y0.add(x5);
      FloatVector y1 = zero.add(x1);
      y1 = y1.sub(x2);
      y1 = x3.fma(half, y1);
      y1 = x4.fma(minusHalf, y1);
      y1 = x5.fma(two, y1);
      FloatVector y2 = zero.add(x1);
      y2 = y2.add(x2);
      y2 = x3.fma(quarter, y2);
      y2 = x4.fma(quarter, y2);
      y2 = x5.fma(four, y2);
      y2 = y2.add(x6);
      y0.intoArray(out, at + 3 * r * ld);
      y1.intoArray(out, at + (3 * r + 1) * ld);
      y2.intoArray(out, at + (3 * r + 2) * ld);
    }
  }

  @Override
  public void gradient(float[] tiles, int tilesOff, int stride, float[] out, int outOff, int matrix, float[] work) {
    int nr = Sgemm.panelWidth();
    if (nr % L != 0) {
      scalar.gradient(tiles, tilesOff, stride, out, outOff, matrix, work);
      return;
    }
    for (int j = 0; j < nr; j += L) {
      gradientRows(tiles, tilesOff + j, stride, work);
      gradientColumns(work, out, outOff + j, matrix);
    }
  }

  /**
   * g Aᵀ of the L tiles' gradients, (row i, column k) at {@code tiles[at + (3i + k)·stride]}: row i, column q at {@code
   * rows[(7i + q)·L]}.
   */
  private static void gradientRows(float[] tiles, int at, int stride, float[] rows) {
    for (int i = 0; i < TILE; i++) {
      // Row i of g, g0…g2, into h0…h6 = column q of Aᵀ applied to it.
      FloatVector zero = FloatVector.zero(S);
      FloatVector half = FloatVector.fromArray(S, CONSTANTS, 0);
      FloatVector minusHalf = FloatVector.fromArray(S, CONSTANTS, 1 * L);
      FloatVector quarter = FloatVector.fromArray(S, CONSTANTS, 2 * L);
      FloatVector two = FloatVector.fromArray(S, CONSTANTS, 3 * L);
      FloatVector four = FloatVector.fromArray(S, CONSTANTS, 5 * L);
      FloatVector g0 = FloatVector.fromArray(S, tiles, at + 3 * i * stride);
      FloatVector g1 = FloatVector.fromArray(S, tiles, at + (3 * i + 1) * stride);
      FloatVector g2 = FloatVector.fromArray(S, tiles, at + (3 * i + 2) * stride);
      FloatVector h0 = zero.add(g0);
      FloatVector h1 = zero.add(g0);
      h1 = h1.add(g1);
      h1 = h1.add(g2);
      FloatVector h2 = zero.add(g0);
      h2 = h2.sub(g1);
      h2 = h2.add(g2);
      FloatVector h3 = zero.add(g0);
      h3 = g1.fma(half, h3);
      h3 = g2.fma(quarter, h3);
      FloatVector h4 = zero.add(g0);
      h4 = g1.fma(minusHalf, h4);
      h4 = g2.fma(quarter, h4);
      FloatVector h5 = zero.add(g0);
      h5 = g1.fma(two, h5);
      h5 = g2.fma(four, h5);
      FloatVector h6 = zero.add(g2);
      h0.intoArray(rows, 7 * i * L);
      h1.intoArray(rows, (7 * i + 1) * L);
      h2.intoArray(rows, (7 * i + 2) * L);
      h3.intoArray(rows, (7 * i + 3) * L);
      h4.intoArray(rows, (7 * i + 4) * L);
      h5.intoArray(rows, (7 * i + 5) * L);
      h6.intoArray(rows, (7 * i + 6) * L);
    }
  }

  /** Ĝ = A (g Aᵀ): each column q of {@link #gradientRows}' rows combined the same way, Ĝ[7r + q] to {@code out[at + (7r + q)·matrix]}. */
  private static void gradientColumns(float[] rows, float[] out, int at, int matrix) {
    for (int q = 0; q < ALPHA; q++) {
      // Column q of g Aᵀ, h0…h2, into Ĝ[7r + q] = e_r, column r of Aᵀ applied to it.
      FloatVector zero = FloatVector.zero(S);
      FloatVector half = FloatVector.fromArray(S, CONSTANTS, 0);
      FloatVector minusHalf = FloatVector.fromArray(S, CONSTANTS, 1 * L);
      FloatVector quarter = FloatVector.fromArray(S, CONSTANTS, 2 * L);
      FloatVector two = FloatVector.fromArray(S, CONSTANTS, 3 * L);
      FloatVector four = FloatVector.fromArray(S, CONSTANTS, 5 * L);
      FloatVector h0 = FloatVector.fromArray(S, rows, q * L);
      FloatVector h1 = FloatVector.fromArray(S, rows, (7 + q) * L);
      FloatVector h2 = FloatVector.fromArray(S, rows, (14 + q) * L);
      FloatVector e0 = zero.add(h0);
      FloatVector e1 = zero.add(h0);
      e1 = e1.add(h1);
      e1 = e1.add(h2);
      FloatVector e2 = zero.add(h0);
      e2 = e2.sub(h1);
      e2 = e2.add(h2);
      FloatVector e3 = zero.add(h0);
      e3 = h1.fma(half, e3);
      e3 = h2.fma(quarter, e3);
      FloatVector e4 = zero.add(h0);
      e4 = h1.fma(minusHalf, e4);
      e4 = h2.fma(quarter, e4);
      FloatVector e5 = zero.add(h0);
      e5 = h1.fma(two, e5);
      e5 = h2.fma(four, e5);
      FloatVector e6 = zero.add(h2);
      e0.intoArray(out, at + q * matrix);
      e1.intoArray(out, at + (7 + q) * matrix);
      e2.intoArray(out, at + (14 + q) * matrix);
      e3.intoArray(out, at + (21 + q) * matrix);
      e4.intoArray(out, at + (28 + q) * matrix);
      e5.intoArray(out, at + (35 + q) * matrix);
      e6.intoArray(out, at + (42 + q) * matrix);
    }
  }

  @Override
  public int workSize() {
    return 2 * ALPHA * ALPHA * L;
  }
}
