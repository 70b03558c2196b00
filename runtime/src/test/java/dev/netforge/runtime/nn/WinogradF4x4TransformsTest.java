package dev.netforge.runtime.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.netforge.runtime.Rng;
import dev.netforge.runtime.gemm.Sgemm;
import org.junit.jupiter.api.Test;

/**
 * Both implementations of {@link WinogradF4x4Transforms}: the same bits as each other, an input transform that is
 * F(2×2, 5×5)'s bit for bit, and an output transform within float32 rounding of Aᵀ M A computed in float64 from the
 * matrix itself, tile by tile, on products of every sign and scale; the same for the weight gradient's transform of
 * 4×4 gradient tiles, A g Aᵀ. Also that its dual computes the weight gradient's correlation: Gᵀ [(A g Aᵀ) ⊙ (Bᵀ d B)]
 * G is the 3×3 correlation of a 6×6 d with a 4×4 g (F(3×3, 4×4)), with G written here from {@link WinogradConvolution}'s
 * javadoc and Bᵀ from {@link TransformFixtures#BT_6X6}.
 */
class WinogradF4x4TransformsTest {
  private static final int WIDTH = 20;
  private static final int MATRIX = 1000;
  private static final int LD = 100;

  private static final double[][] AT = {
    {1, 1, 1, 1, 1, 0},
    {0, 1, -1, 2, -2, 0},
    {0, 1, 1, 4, 4, 0},
    {0, 1, -1, 8, -8, 1},
  };

  private static final double[][] G = {
    {1 / 4.0, 0, 0},
    {-1 / 6.0, -1 / 6.0, -1 / 6.0},
    {-1 / 6.0, 1 / 6.0, -1 / 6.0},
    {1 / 24.0, 1 / 12.0, 1 / 6.0},
    {1 / 24.0, -1 / 12.0, 1 / 6.0},
    {0, 0, 1},
  };

  @Test
  void theDualComputesTheWeightGradientsCorrelation() {
    Rng rng = new Rng(44);
    double[][] d = new double[6][6];
    double[][] g = new double[4][4];
    for (double[][] m : new double[][][] {d, g}) {
      for (double[] row : m) {
        for (int i = 0; i < row.length; i++) {
          row[i] = rng.nextGaussian();
        }
      }
    }
    double[][] u = TransformFixtures.sandwich(TransformFixtures.transpose(AT), g);
    double[][] v = TransformFixtures.sandwich(TransformFixtures.BT_6X6, d);
    double[][] m = new double[6][6];
    for (int i = 0; i < 6; i++) {
      for (int k = 0; k < 6; k++) {
        m[i][k] = u[i][k] * v[i][k];
      }
    }
    double[][] dw = TransformFixtures.sandwich(TransformFixtures.transpose(G), m);
    for (int ky = 0; ky < 3; ky++) {
      for (int kx = 0; kx < 3; kx++) {
        double expected = 0;
        for (int i = 0; i < 4; i++) {
          for (int k = 0; k < 4; k++) {
            expected += d[i + ky][k + kx] * g[i][k];
          }
        }
        assertEquals(expected, dw[ky][kx], 1e-12 * (1 + Math.abs(expected)), "dW[" + ky + "][" + kx + "]");
      }
    }
  }

  @Test
  void bothImplementationsTransformTheGradientTiles() {
    int nr = Sgemm.panelWidth();
    int stride = nr + 5;
    Rng rng = new Rng(73);
    float[] tiles = new float[16 * stride + 2];
    for (int i = 0; i < tiles.length; i++) {
      tiles[i] = (float) (rng.nextGaussian() * Math.pow(10, rng.nextInt(7) - 3));
    }
    float[][] results = new float[2][];
    WinogradF4x4Transforms[] implementations = {new ScalarWinogradF4x4Transforms(), new VectorWinogradF4x4Transforms()};
    for (int i = 0; i < 2; i++) {
      WinogradF4x4Transforms t = implementations[i];
      results[i] = new float[36 * MATRIX];
      t.gradient(tiles, 2, stride, results[i], 9, MATRIX, new float[t.workSize()]);
    }
    assertArrayEquals(results[0], results[1], "gradient: the vector implementation's bits");
    for (int j = 0; j < nr; j++) {
      double[][] g = new double[4][4];
      double bound = 0;
      for (int q = 0; q < 16; q++) {
        g[q / 4][q % 4] = tiles[2 + q * stride + j];
        bound = Math.max(bound, Math.abs(g[q / 4][q % 4]));
      }
      double[][] u = TransformFixtures.sandwich(TransformFixtures.transpose(AT), g);
      for (int xi = 0; xi < 36; xi++) {
        // A's rows sum to at most 15 in magnitude: 400 · bound bounds every partial sum.
        assertEquals(u[xi / 6][xi % 6], results[0][9 + xi * MATRIX + j], 400 * bound * 0x1p-20, "Ĝ[" + xi + "] of tile " + j);
      }
      assertEquals(0f, results[0][9 + nr], "past the panel");
    }
  }

  @Test
  void bothImplementationsComputeTheMatrices() {
    int nr = Sgemm.panelWidth();
    Rng rng = new Rng(2015);
    float[] planes = TransformFixtures.planes(rng, 40, WIDTH);
    int[] tileAt = TransformFixtures.tileCorners(rng, nr + 3, WIDTH, 34, 14);
    float[] products = new float[36 * MATRIX];
    for (int i = 0; i < products.length; i++) {
      products[i] = (float) (rng.nextGaussian() * Math.exp(2 * rng.nextGaussian()));
    }
    Winograd5x5Transforms sixBySix = new ScalarWinograd5x5Transforms();
    float[] expectedInput = new float[36 * MATRIX];
    sixBySix.input(planes, tileAt, 3, WIDTH, expectedInput, 7, MATRIX, new float[sixBySix.workSize()]);

    float[][] outputs = new float[2][];
    WinogradF4x4Transforms[] implementations = {new ScalarWinogradF4x4Transforms(), new VectorWinogradF4x4Transforms()};
    for (int i = 0; i < 2; i++) {
      WinogradF4x4Transforms t = implementations[i];
      float[] work = new float[t.workSize()];
      float[] input = new float[36 * MATRIX];
      t.input(planes, tileAt, 3, WIDTH, input, 7, MATRIX, work);
      assertArrayEquals(expectedInput, input, t.getClass().getSimpleName() + " input: F(2×2, 5×5)'s bits");
      outputs[i] = new float[16 * LD];
      t.output(products, 11, MATRIX, outputs[i], 5, LD, work);
    }
    assertArrayEquals(outputs[0], outputs[1], "output: the vector implementation's bits");

    for (int j = 0; j < nr; j++) {
      double[][] m = new double[6][6];
      double bound = 0;
      for (int xi = 0; xi < 36; xi++) {
        m[xi / 6][xi % 6] = products[11 + xi * MATRIX + j];
        bound = Math.max(bound, Math.abs(m[xi / 6][xi % 6]));
      }
      double[][] y = TransformFixtures.sandwich(AT, m);
      for (int q = 0; q < 16; q++) {
        // Aᵀ's rows sum to at most 19 in magnitude: 400 · bound bounds every partial sum.
        assertEquals(y[q / 4][q % 4], outputs[0][5 + q * LD + j], 400 * bound * 0x1p-20, "Y[" + q + "] of tile " + j);
      }
    }
    // Outside the panel's columns nothing is written.
    for (int q = 0; q < 16; q++) {
      assertEquals(0f, outputs[0][5 + q * LD + nr], "past the panel, row " + q);
      assertEquals(0f, outputs[0][4 + q * LD], "before the panel, row " + q);
    }
  }
}
