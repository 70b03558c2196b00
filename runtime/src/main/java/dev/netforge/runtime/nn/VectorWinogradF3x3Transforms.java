package dev.netforge.runtime.nn;

import dev.netforge.runtime.gemm.Sgemm;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link WinogradF3x3Transforms} a vector of tiles at a time: the input tiles' values gathered across the vector's
 * tiles, the products and the gradient's tiles loaded as they lie, each pass a loop over the matrix's rows with its
 * vectors kept in the caller's {@code work}, no vector passed to or returned from a helper (the forms C2 of JDK 17
 * compiles without boxing inside a whole network's step). Loaded only when {@code jdk.incubator.vector} is present.
 */
final class VectorWinogradF3x3Transforms implements WinogradF3x3Transforms {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();

  private final WinogradF3x3Transforms scalar = new ScalarWinogradF3x3Transforms();

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
   * tiles' 49 values gathered first into {@code rows} from 49·L.
   */
  private static void inputColumns(float[] planes, int[] tileAt, int map, int width, float[] rows) {
    for (int i = 0; i < ALPHA; i++) {
      for (int k = 0; k < ALPHA; k++) {
        FloatVector.fromArray(S, planes, i * width + k, tileAt, map).intoArray(rows, (ALPHA * ALPHA + ALPHA * i + k) * L);
      }
    }
    for (int k = 0; k < ALPHA; k++) {
      for (int r = 0; r < ALPHA; r++) {
        FloatVector sum = FloatVector.zero(S);
        for (int i = 0; i < ALPHA; i++) {
          sum = FloatVector.fromArray(S, rows, (ALPHA * ALPHA + ALPHA * i + k) * L).fma(FloatVector.broadcast(S, INPUT[r * ALPHA + i]), sum);
        }
        sum.intoArray(rows, (ALPHA * r + k) * L);
      }
    }
  }

  /** {@link #inputColumns}' rows, each one's columns combined the same way: V[7r…7r+6] to {@code out[at + ξ·matrix]}. */
  private static void inputRows(float[] rows, float[] out, int at, int matrix) {
    for (int r = 0; r < ALPHA; r++) {
      for (int q = 0; q < ALPHA; q++) {
        FloatVector sum = FloatVector.zero(S);
        for (int c = 0; c < ALPHA; c++) {
          sum = FloatVector.fromArray(S, rows, (ALPHA * r + c) * L).fma(FloatVector.broadcast(S, INPUT[q * ALPHA + c]), sum);
        }
        sum.intoArray(out, at + (ALPHA * r + q) * matrix);
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
    for (int j = 0; j < nr; j += L) {
      outputColumns(products, productsOff + j, matrix, work);
      outputRows(work, out, outOff + j, ld);
    }
  }

  /** Aᵀ M of the L tiles' products at {@code products[mi + ξ·matrix]}: row r, column k at {@code rows[(7r + k)·L]}. */
  private static void outputColumns(float[] products, int mi, int matrix, float[] rows) {
    for (int k = 0; k < ALPHA; k++) {
      for (int r = 0; r < TILE; r++) {
        FloatVector sum = FloatVector.zero(S);
        for (int i = 0; i < ALPHA; i++) {
          sum = FloatVector.fromArray(S, products, mi + (ALPHA * i + k) * matrix).fma(FloatVector.broadcast(S, OUTPUT[r * ALPHA + i]), sum);
        }
        sum.intoArray(rows, (ALPHA * r + k) * L);
      }
    }
  }

  /** {@link #outputColumns}' rows, each one's columns combined the same way: Y[3r…3r+2] to {@code out[at + (3r + q)·ld]}. */
  private static void outputRows(float[] rows, float[] out, int at, int ld) {
    for (int r = 0; r < TILE; r++) {
      for (int q = 0; q < TILE; q++) {
        FloatVector sum = FloatVector.zero(S);
        for (int c = 0; c < ALPHA; c++) {
          sum = FloatVector.fromArray(S, rows, (ALPHA * r + c) * L).fma(FloatVector.broadcast(S, OUTPUT[q * ALPHA + c]), sum);
        }
        sum.intoArray(out, at + (TILE * r + q) * ld);
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
      for (int q = 0; q < ALPHA; q++) {
        FloatVector sum = FloatVector.zero(S);
        for (int k = 0; k < TILE; k++) {
          sum = FloatVector.fromArray(S, tiles, at + (TILE * i + k) * stride).fma(FloatVector.broadcast(S, OUTPUT[k * ALPHA + q]), sum);
        }
        sum.intoArray(rows, (ALPHA * i + q) * L);
      }
    }
  }

  /** Ĝ = A (g Aᵀ): each column q of {@link #gradientRows}' rows combined the same way, Ĝ[7r + q] to {@code out[at + (7r + q)·matrix]}. */
  private static void gradientColumns(float[] rows, float[] out, int at, int matrix) {
    for (int r = 0; r < ALPHA; r++) {
      for (int q = 0; q < ALPHA; q++) {
        FloatVector sum = FloatVector.zero(S);
        for (int i = 0; i < TILE; i++) {
          sum = FloatVector.fromArray(S, rows, (ALPHA * i + q) * L).fma(FloatVector.broadcast(S, OUTPUT[i * ALPHA + r]), sum);
        }
        sum.intoArray(out, at + (ALPHA * r + q) * matrix);
      }
    }
  }

  @Override
  public int workSize() {
    return 2 * ALPHA * ALPHA * L;
  }
}
