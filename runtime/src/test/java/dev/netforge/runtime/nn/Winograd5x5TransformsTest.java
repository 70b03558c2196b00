package dev.netforge.runtime.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.netforge.runtime.Rng;
import dev.netforge.runtime.gemm.Sgemm;
import org.junit.jupiter.api.Test;

/**
 * Both implementations of {@link Winograd5x5Transforms}: the same bits as each other, and within float32 rounding of
 * Bᵀ d B and Aᵀ M A computed in float64 from the matrices themselves (the Toom–Cook matrices of 0, 1, −1, 2, −2, ∞),
 * tile by tile: tiles at scattered offsets (as a panel's tiles wrap rows, planes and examples), repeated offsets (a
 * panel's spare columns), values of every sign and scale.
 */
class Winograd5x5TransformsTest {
  private static final int WIDTH = 20;
  private static final int MATRIX = 1000;

  private static final double[][] AT = {
    {1, 1, 1, 1, 1, 0},
    {0, 1, -1, 2, -2, 1},
  };

  @Test
  void bothImplementationsComputeTheMatrices() {
    int nr = Sgemm.panelWidth();
    Rng rng = new Rng(2016);
    float[] planes = TransformFixtures.planes(rng, 40, WIDTH);
    int[] tileAt = TransformFixtures.tileCorners(rng, nr + 3, WIDTH, 34, 14);
    float[] products = new float[36 * MATRIX];
    for (int i = 0; i < products.length; i++) {
      products[i] = (float) (rng.nextGaussian() * 100);
    }
    int offset = 3;
    float[][] results = new float[4][];
    Winograd5x5Transforms[] implementations = {new ScalarWinograd5x5Transforms(), new VectorWinograd5x5Transforms()};
    for (int i = 0; i < 2; i++) {
      Winograd5x5Transforms t = implementations[i];
      float[] work = new float[t.workSize()];
      results[2 * i] = new float[36 * MATRIX];
      t.input(planes, tileAt, offset, WIDTH, results[2 * i], 7, MATRIX, work);
      results[2 * i + 1] = new float[4 * 100];
      t.output(products, 11, MATRIX, results[2 * i + 1], 5, 100, work);
    }
    assertArrayEquals(results[0], results[2], "input: the vector implementation's bits");
    assertArrayEquals(results[1], results[3], "output: the vector implementation's bits");

    for (int j = 0; j < nr; j++) {
      int at = tileAt[offset + j];
      double[][] d = new double[6][6];
      double bound = 0;
      for (int i = 0; i < 6; i++) {
        for (int k = 0; k < 6; k++) {
          d[i][k] = planes[at + i * WIDTH + k];
          bound = Math.max(bound, Math.abs(d[i][k]));
        }
      }
      double[][] v = TransformFixtures.sandwich(TransformFixtures.BT_6X6, d);
      for (int xi = 0; xi < 36; xi++) {
        // Bᵀ's rows sum to at most 10 in magnitude: 100 · bound bounds every partial sum.
        assertEquals(v[xi / 6][xi % 6], results[0][7 + xi * MATRIX + j], 100 * bound * 0x1p-20, "V[" + xi + "] of tile " + j);
      }
      double[][] m = new double[6][6];
      bound = 0;
      for (int xi = 0; xi < 36; xi++) {
        m[xi / 6][xi % 6] = products[11 + xi * MATRIX + j];
        bound = Math.max(bound, Math.abs(m[xi / 6][xi % 6]));
      }
      double[][] y = TransformFixtures.sandwich(AT, m);
      for (int q = 0; q < 4; q++) {
        assertEquals(y[q / 2][q % 2], results[1][5 + q * 100 + j], 100 * bound * 0x1p-20, "Y[" + q + "] of tile " + j);
      }
    }
  }
}
