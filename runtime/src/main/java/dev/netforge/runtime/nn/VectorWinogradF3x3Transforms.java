package dev.netforge.runtime.nn;

import dev.netforge.runtime.gemm.Sgemm;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link WinogradF3x3Transforms} a vector of tiles at a time: the input tiles' values gathered across the vector's
 * tiles, the products and the gradient's tiles loaded as they lie, each pass a loop over the matrix's rows (or
 * columns) with its vectors kept in the caller's {@code work}, no vector passed to or returned from a helper (the forms
 * C2 of JDK 17 compiles without boxing inside a whole network's step). Loaded only when {@code jdk.incubator.vector} is
 * present.
 *
 * <p>Each matrix is applied by a method of its own written out from its rows ({@link #applyInput}, {@link
 * #applyOutput}, {@link #applyGradient}), which both passes of a transform call with their own strides: the zero
 * coefficients (15 of Bᵀ's 49, 4 of Aᵀ's 21) are left out, a coefficient of ±1 is an addition or a subtraction, and
 * the outputs' sums are independent chains. With a loop over all 49 coefficients from a table, as this class ran until
 * session 32, AlexNetTorchvision's conv2 took 12% longer forward and 13% longer backward (docs/performance.md). The
 * vectors stay inside each call, arrays in and arrays out, and each method is over 325 bytes of bytecode so that C2
 * compiles it alone (FreqInlineSize; {@link VectorWinograd5x5Transforms} tells why); the constants are loaded inside
 * it, from {@link #CONSTANTS}, as that class explains. The sums run from +0, left to right, one rounding per nonzero
 * coefficient, so for finite values they are the bits of {@link ScalarWinogradF3x3Transforms}, which skips the same
 * zeros: a zero coefficient's product adds ±0, which leaves a sum unchanged.
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

  /** L copies of each value, one value after the other. */
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
      inputVector(planes, tileAt, tileAtOff + j, width, work, out, outOff + j, matrix);
    }
  }

  /**
   * V = Bᵀ d B of the L tiles whose corners are {@code tileAt[map…]}, V[7r + q] to {@code out[at + (7r + q)·matrix]}:
   * the tiles' 49 values gathered into {@code rows} from 49·L (one gather in a loop: written out, gathers pass C2's
   * DesiredMethodLimit, {@link VectorWinograd5x5Transforms}), Bᵀ applied to each of their columns (Bᵀ d: row r, column
   * k at {@code rows[(7r + k)·L]}), then to each row of that. The fourteen applications are written out, so that this
   * method is over 325 bytes of bytecode and C2 compiles it alone: as a gathering method of 119 bytes and a rows'
   * method of 44, C2 inlined the gathers into {@link #input}'s compilation and, at AVX2's width, ran them boxed (3.6 GB
   * allocated per AlexNet2012 training step with {@code -XX:UseAVX=2} on a Zen 5, none with the gathers' method kept
   * out of line; docs/performance.md, session 43).
   */
  private static void inputVector(float[] planes, int[] tileAt, int map, int width, float[] rows, float[] out, int at, int matrix) {
    for (int i = 0; i < ALPHA; i++) {
      for (int k = 0; k < ALPHA; k++) {
        FloatVector.fromArray(S, planes, i * width + k, tileAt, map).intoArray(rows, (ALPHA * ALPHA + ALPHA * i + k) * L);
      }
    }
    int tiles = ALPHA * ALPHA * L;
    int row = ALPHA * L;
    // Column k of the tiles' rows into column k of Bᵀ d's rows.
    applyInput(rows, tiles, row, rows, 0, row);
    applyInput(rows, tiles + L, row, rows, L, row);
    applyInput(rows, tiles + 2 * L, row, rows, 2 * L, row);
    applyInput(rows, tiles + 3 * L, row, rows, 3 * L, row);
    applyInput(rows, tiles + 4 * L, row, rows, 4 * L, row);
    applyInput(rows, tiles + 5 * L, row, rows, 5 * L, row);
    applyInput(rows, tiles + 6 * L, row, rows, 6 * L, row);
    // Row r of Bᵀ d into V[7r…7r+6].
    applyInput(rows, 0, L, out, at, matrix);
    applyInput(rows, row, L, out, at + ALPHA * matrix, matrix);
    applyInput(rows, 2 * row, L, out, at + 2 * ALPHA * matrix, matrix);
    applyInput(rows, 3 * row, L, out, at + 3 * ALPHA * matrix, matrix);
    applyInput(rows, 4 * row, L, out, at + 4 * ALPHA * matrix, matrix);
    applyInput(rows, 5 * row, L, out, at + 5 * ALPHA * matrix, matrix);
    applyInput(rows, 6 * row, L, out, at + 6 * ALPHA * matrix, matrix);
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
      // Column k of M into column k of Aᵀ M's three rows.
      applyOutput(products, mi + k * matrix, ALPHA * matrix, rows, k * L, ALPHA * L);
    }
  }

  /** {@link #outputColumns}' rows, each one's columns combined the same way: Y[3r…3r+2] to {@code out[at + (3r + q)·ld]}. */
  private static void outputRows(float[] rows, float[] out, int at, int ld) {
    for (int r = 0; r < TILE; r++) {
      // Row r of Aᵀ M into Y[3r…3r+2].
      applyOutput(rows, ALPHA * r * L, L, out, at + TILE * r * ld, ld);
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
      // Row i of g into row i of g Aᵀ.
      applyGradient(tiles, at + TILE * i * stride, stride, rows, ALPHA * i * L, L);
    }
  }

  /** Ĝ = A (g Aᵀ): each column q of {@link #gradientRows}' rows combined the same way, Ĝ[7r + q] to {@code out[at + (7r + q)·matrix]}. */
  private static void gradientColumns(float[] rows, float[] out, int at, int matrix) {
    for (int q = 0; q < ALPHA; q++) {
      // Column q of g Aᵀ into Ĝ[q], Ĝ[7 + q], …, Ĝ[42 + q].
      applyGradient(rows, q * L, ALPHA * L, out, at + q * matrix, ALPHA * matrix);
    }
  }

  @Override
  public void addInputGradient(float[] products, int at, int matrix, int channels, float[] plane, int planeAt, int width, float[] work) {
    if (channels % L != 0) {
      scalar.addInputGradient(products, at, matrix, channels, plane, planeAt, width, work);
      return;
    }
    for (int c = 0; c < channels; c += L) {
      // Row r of ∂V (its ξ = 7r … 7r + 6) into row r of ∂V B: column k at work[(7r + k)·L].
      for (int r = 0; r < ALPHA; r++) {
        applyInputTransposed(products, at + ALPHA * r * matrix + c, matrix, false, work, ALPHA * r * L, L);
      }
      // Column k of ∂V B into column k of B ∂V B, added to the window's column k.
      for (int k = 0; k < ALPHA; k++) {
        applyInputTransposed(work, k * L, ALPHA * L, true, plane, planeAt + k * channels + c, width * channels);
      }
    }
  }

  /**
   * B (Bᵀ's columns) applied to seven vectors, {@code from[fromAt + q·fromStride]} for q &lt; 7, into seven, {@code
   * to[toAt + k·toStride]}, or added to them where {@code add}: output k is column k of Bᵀ's nonzero coefficients
   * applied top to bottom from +0. Without {@code add}, what {@code to} held is blended out, not branched around: a
   * branch between two vectors C2 (JDK 17) may box.
   */
  private static void applyInputTransposed(float[] from, int fromAt, int fromStride, boolean add, float[] to, int toAt, int toStride) {
    FloatVector zero = FloatVector.zero(S);
    VectorMask<Float> keep = S.maskAll(add);
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
    FloatVector x0 = FloatVector.fromArray(S, from, fromAt);
    FloatVector x1 = FloatVector.fromArray(S, from, fromAt + fromStride);
    FloatVector x2 = FloatVector.fromArray(S, from, fromAt + 2 * fromStride);
    FloatVector x3 = FloatVector.fromArray(S, from, fromAt + 3 * fromStride);
    FloatVector x4 = FloatVector.fromArray(S, from, fromAt + 4 * fromStride);
    FloatVector x5 = FloatVector.fromArray(S, from, fromAt + 5 * fromStride);
    FloatVector x6 = FloatVector.fromArray(S, from, fromAt + 6 * fromStride);
    FloatVector w0 = x0.fma(minusHalf, zero);
    FloatVector w1 = x0.fma(quarter, zero);
    w1 = x1.fma(half, w1);
    w1 = x2.fma(minusHalf, w1);
    w1 = w1.add(x3);
    w1 = w1.sub(x4);
    w1 = x5.fma(quarter, w1);
    w1 = x6.fma(minusHalf, w1);
    FloatVector w2 = x0.fma(fiveHalves, zero);
    w2 = x1.fma(quarter, w2);
    w2 = x2.fma(threeQuarters, w2);
    w2 = x3.fma(threeHalves, w2);
    w2 = x4.fma(fiveHalves, w2);
    w2 = x6.fma(quarter, w2);
    FloatVector w3 = x0.fma(minusFiveQuarters, zero);
    w3 = x1.fma(minusNineQuarters, w3);
    w3 = x2.fma(sevenQuarters, w3);
    w3 = x3.fma(minusTwo, w3);
    w3 = x5.fma(minusFiveQuarters, w3);
    w3 = x6.fma(fiveHalves, w3);
    FloatVector w4 = x0.fma(minusTwo, zero);
    w4 = w4.sub(x1);
    w4 = x2.fma(minusThree, w4);
    w4 = x3.fma(minusThreeHalves, w4);
    w4 = x4.fma(minusFiveHalves, w4);
    w4 = x6.fma(minusFiveQuarters, w4);
    FloatVector w5 = zero.add(x0);
    w5 = w5.add(x1);
    w5 = w5.add(x2);
    w5 = w5.add(x3);
    w5 = w5.add(x4);
    w5 = w5.add(x5);
    w5 = x6.fma(minusTwo, w5);
    FloatVector w6 = zero.add(x6);
    zero.blend(FloatVector.fromArray(S, to, toAt), keep).add(w0).intoArray(to, toAt);
    zero.blend(FloatVector.fromArray(S, to, toAt + toStride), keep).add(w1).intoArray(to, toAt + toStride);
    zero.blend(FloatVector.fromArray(S, to, toAt + 2 * toStride), keep).add(w2).intoArray(to, toAt + 2 * toStride);
    zero.blend(FloatVector.fromArray(S, to, toAt + 3 * toStride), keep).add(w3).intoArray(to, toAt + 3 * toStride);
    zero.blend(FloatVector.fromArray(S, to, toAt + 4 * toStride), keep).add(w4).intoArray(to, toAt + 4 * toStride);
    zero.blend(FloatVector.fromArray(S, to, toAt + 5 * toStride), keep).add(w5).intoArray(to, toAt + 5 * toStride);
    zero.blend(FloatVector.fromArray(S, to, toAt + 6 * toStride), keep).add(w6).intoArray(to, toAt + 6 * toStride);
  }

  /**
   * Bᵀ applied to seven vectors, {@code from[fromAt + i·fromStride]} for i &lt; 7, into seven, {@code to[toAt +
   * q·toStride]}: output q is row q of Bᵀ's nonzero coefficients applied left to right from +0.
   */
  private static void applyInput(float[] from, int fromAt, int fromStride, float[] to, int toAt, int toStride) {
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
    FloatVector x0 = FloatVector.fromArray(S, from, fromAt);
    FloatVector x1 = FloatVector.fromArray(S, from, fromAt + fromStride);
    FloatVector x2 = FloatVector.fromArray(S, from, fromAt + 2 * fromStride);
    FloatVector x3 = FloatVector.fromArray(S, from, fromAt + 3 * fromStride);
    FloatVector x4 = FloatVector.fromArray(S, from, fromAt + 4 * fromStride);
    FloatVector x5 = FloatVector.fromArray(S, from, fromAt + 5 * fromStride);
    FloatVector x6 = FloatVector.fromArray(S, from, fromAt + 6 * fromStride);
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
    v0.intoArray(to, toAt);
    v1.intoArray(to, toAt + toStride);
    v2.intoArray(to, toAt + 2 * toStride);
    v3.intoArray(to, toAt + 3 * toStride);
    v4.intoArray(to, toAt + 4 * toStride);
    v5.intoArray(to, toAt + 5 * toStride);
    v6.intoArray(to, toAt + 6 * toStride);
  }

  /**
   * Aᵀ applied to seven vectors, {@code from[fromAt + i·fromStride]} for i &lt; 7, into three, {@code to[toAt +
   * q·toStride]}: output q is row q of Aᵀ's nonzero coefficients applied left to right from +0.
   */
  private static void applyOutput(float[] from, int fromAt, int fromStride, float[] to, int toAt, int toStride) {
    FloatVector zero = FloatVector.zero(S);
    FloatVector half = FloatVector.fromArray(S, CONSTANTS, 0);
    FloatVector minusHalf = FloatVector.fromArray(S, CONSTANTS, 1 * L);
    FloatVector quarter = FloatVector.fromArray(S, CONSTANTS, 2 * L);
    FloatVector two = FloatVector.fromArray(S, CONSTANTS, 3 * L);
    FloatVector four = FloatVector.fromArray(S, CONSTANTS, 5 * L);
    FloatVector x0 = FloatVector.fromArray(S, from, fromAt);
    FloatVector x1 = FloatVector.fromArray(S, from, fromAt + fromStride);
    FloatVector x2 = FloatVector.fromArray(S, from, fromAt + 2 * fromStride);
    FloatVector x3 = FloatVector.fromArray(S, from, fromAt + 3 * fromStride);
    FloatVector x4 = FloatVector.fromArray(S, from, fromAt + 4 * fromStride);
    FloatVector x5 = FloatVector.fromArray(S, from, fromAt + 5 * fromStride);
    FloatVector x6 = FloatVector.fromArray(S, from, fromAt + 6 * fromStride);
    FloatVector y0 = zero.add(x0);
    y0 = y0.add(x1);
    y0 = y0.add(x2);
    y0 = y0.add(x3);
    y0 = y0.add(x4);
    y0 = y0.add(x5);
    // Rows 1 and 2 start with x1's coefficient 1.
    FloatVector x1Sum = zero.add(x1);
    FloatVector y1 = x1Sum.sub(x2);
    y1 = x3.fma(half, y1);
    y1 = x4.fma(minusHalf, y1);
    y1 = x5.fma(two, y1);
    FloatVector y2 = x1Sum.add(x2);
    y2 = x3.fma(quarter, y2);
    y2 = x4.fma(quarter, y2);
    y2 = x5.fma(four, y2);
    y2 = y2.add(x6);
    y0.intoArray(to, toAt);
    y1.intoArray(to, toAt + toStride);
    y2.intoArray(to, toAt + 2 * toStride);
  }

  /**
   * A (Aᵀ's columns) applied to three vectors, {@code from[fromAt + k·fromStride]} for k &lt; 3, into seven, {@code
   * to[toAt + q·toStride]}: output q is column q of Aᵀ's nonzero coefficients applied top to bottom from +0.
   */
  private static void applyGradient(float[] from, int fromAt, int fromStride, float[] to, int toAt, int toStride) {
    FloatVector zero = FloatVector.zero(S);
    FloatVector half = FloatVector.fromArray(S, CONSTANTS, 0);
    FloatVector minusHalf = FloatVector.fromArray(S, CONSTANTS, 1 * L);
    FloatVector quarter = FloatVector.fromArray(S, CONSTANTS, 2 * L);
    FloatVector two = FloatVector.fromArray(S, CONSTANTS, 3 * L);
    FloatVector four = FloatVector.fromArray(S, CONSTANTS, 5 * L);
    FloatVector g0 = FloatVector.fromArray(S, from, fromAt);
    FloatVector g1 = FloatVector.fromArray(S, from, fromAt + fromStride);
    FloatVector g2 = FloatVector.fromArray(S, from, fromAt + 2 * fromStride);
    // Every column but the last starts with g0's coefficient 1: h0, the sum so far of each of them.
    FloatVector h0 = zero.add(g0);
    FloatVector h1 = h0.add(g1);
    h1 = h1.add(g2);
    FloatVector h2 = h0.sub(g1);
    h2 = h2.add(g2);
    FloatVector h3 = g1.fma(half, h0);
    h3 = g2.fma(quarter, h3);
    FloatVector h4 = g1.fma(minusHalf, h0);
    h4 = g2.fma(quarter, h4);
    FloatVector h5 = g1.fma(two, h0);
    h5 = g2.fma(four, h5);
    FloatVector h6 = zero.add(g2);
    h0.intoArray(to, toAt);
    h1.intoArray(to, toAt + toStride);
    h2.intoArray(to, toAt + 2 * toStride);
    h3.intoArray(to, toAt + 3 * toStride);
    h4.intoArray(to, toAt + 4 * toStride);
    h5.intoArray(to, toAt + 5 * toStride);
    h6.intoArray(to, toAt + 6 * toStride);
  }

  @Override
  public int workSize() {
    return 2 * ALPHA * ALPHA * L;
  }
}
