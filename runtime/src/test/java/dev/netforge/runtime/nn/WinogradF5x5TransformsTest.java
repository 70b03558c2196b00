package dev.netforge.runtime.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.netforge.runtime.Rng;
import dev.netforge.runtime.gemm.Sgemm;
import org.junit.jupiter.api.Test;

/**
 * Both implementations of {@link WinogradF5x5Transforms}: the same bits as each other, an input transform that is
 * F(3×3, 5×5)'s bit for bit, and an output transform within float32 rounding of Aᵀ M A computed in float64 from the
 * matrix itself (Aᵀ's rows the powers 0 to 4 of the points 0, 1, −1, ½, −½ and 2, and ∞'s column), tile by tile, on
 * Gaussian products; the same for the weight gradient's transform of 5×5 gradient tiles, A g Aᵀ. Also
 * that G, Aᵀ and {@link TransformFixtures#BT_7X7} compute a correlation both ways: Aᵀ [(G g Gᵀ) ⊙ (Bᵀ d B)] A is the
 * 5×5 correlation of a 7×7 d with a 3×3 g (F(5×5, 3×3)), and Gᵀ [(A g Aᵀ) ⊙ (Bᵀ d B)] G the 3×3 correlation of d with
 * a 5×5 g (F(3×3, 5×5), the weight gradient), with G written here from {@link WinogradConvolution}'s javadoc.
 */
class WinogradF5x5TransformsTest {
  private static final int WIDTH = 20;
  private static final int MATRIX = 1000;
  private static final int LD = 100;

  private static final double[][] AT = {
    {1, 1, 1, 1, 1, 1, 0},
    {0, 1, -1, 1 / 2.0, -1 / 2.0, 2, 0},
    {0, 1, 1, 1 / 4.0, 1 / 4.0, 4, 0},
    {0, 1, -1, 1 / 8.0, -1 / 8.0, 8, 0},
    {0, 1, 1, 1 / 16.0, 1 / 16.0, 16, 1},
  };

  private static final double[][] G = {
    {-2, 0, 0},
    {-2 / 3.0, -2 / 3.0, -2 / 3.0},
    {-2 / 9.0, 2 / 9.0, -2 / 9.0},
    {16 / 9.0, 8 / 9.0, 4 / 9.0},
    {16 / 15.0, -8 / 15.0, 4 / 15.0},
    {2 / 45.0, 4 / 45.0, 8 / 45.0},
    {0, 0, 1},
  };

  @Test
  void theMatricesComputeTheCorrelation() {
    Rng rng = new Rng(55);
    double[][] d = TransformFixtures.gaussian(rng, 7);
    double[][] g = TransformFixtures.gaussian(rng, 3);
    TransformFixtures.assertCorrelation(d, g, TransformFixtures.bilinear(TransformFixtures.BT_7X7, G, g, d, AT), "Y");
  }

  @Test
  void theDualComputesTheWeightGradientsCorrelation() {
    Rng rng = new Rng(33);
    double[][] d = TransformFixtures.gaussian(rng, 7);
    double[][] g = TransformFixtures.gaussian(rng, 5);
    double[][] dw = TransformFixtures.bilinear(TransformFixtures.BT_7X7, TransformFixtures.transpose(AT), g, d, TransformFixtures.transpose(G));
    TransformFixtures.assertCorrelation(d, g, dw, "dW");
  }

  @Test
  void bothImplementationsComputeTheMatrices() {
    int nr = Sgemm.panelWidth();
    Rng rng = new Rng(2019);
    float[] planes = TransformFixtures.planes(rng, 40, WIDTH);
    int[] tileAt = TransformFixtures.tileCorners(rng, nr + 3, WIDTH, 33, 13);
    float[] products = new float[49 * MATRIX];
    for (int i = 0; i < products.length; i++) {
      products[i] = (float) (rng.nextGaussian() * 100);
    }
    int offset = 3;
    WinogradInputTransform sevenBySeven = new ScalarWinogradF3x3Transforms();
    float[] expectedInput = new float[49 * MATRIX];
    sevenBySeven.input(planes, tileAt, offset, WIDTH, expectedInput, 7, MATRIX, new float[sevenBySeven.workSize()]);
    float[][] outputs = new float[2][];
    WinogradF5x5Transforms[] implementations = {new ScalarWinogradF5x5Transforms(), new VectorWinogradF5x5Transforms()};
    for (int i = 0; i < 2; i++) {
      WinogradF5x5Transforms t = implementations[i];
      float[] work = new float[t.workSize()];
      float[] input = new float[49 * MATRIX];
      t.input(planes, tileAt, offset, WIDTH, input, 7, MATRIX, work);
      assertArrayEquals(expectedInput, input, "input of implementation " + i + ": F(3×3, 5×5)'s bits");
      outputs[i] = new float[25 * LD];
      t.output(products, 11, MATRIX, outputs[i], 5, LD, work);
    }
    assertArrayEquals(outputs[0], outputs[1], "output: the vector implementation's bits");
    for (int j = 0; j < nr; j++) {
      double[][] m = new double[7][7];
      double bound = 0;
      for (int xi = 0; xi < 49; xi++) {
        m[xi / 7][xi % 7] = products[11 + xi * MATRIX + j];
        bound = Math.max(bound, Math.abs(m[xi / 7][xi % 7]));
      }
      double[][] y = TransformFixtures.sandwich(AT, m);
      for (int q = 0; q < 25; q++) {
        // Aᵀ's rows sum to at most 35 in magnitude: the second pass's partial sums stay under 35² · bound, and each
        // output takes at most 6 + 6 roundings.
        assertEquals(y[q / 5][q % 5], outputs[0][5 + q * LD + j], 12 * 35 * 35 * bound * 0x1p-24, "Y[" + q + "] of tile " + j);
      }
    }
  }

  @Test
  void bothImplementationsTransformTheGradientTiles() {
    int nr = Sgemm.panelWidth();
    int stride = nr + 5;
    Rng rng = new Rng(73);
    float[] tiles = new float[25 * stride + 2];
    for (int i = 0; i < tiles.length; i++) {
      tiles[i] = (float) (rng.nextGaussian() * 100);
    }
    float[][] results = new float[2][];
    WinogradF5x5Transforms[] implementations = {new ScalarWinogradF5x5Transforms(), new VectorWinogradF5x5Transforms()};
    for (int i = 0; i < 2; i++) {
      WinogradF5x5Transforms t = implementations[i];
      results[i] = new float[49 * MATRIX];
      t.gradient(tiles, 2, stride, results[i], 9, MATRIX, new float[t.workSize()]);
    }
    assertArrayEquals(results[0], results[1], "gradient: the vector implementation's bits");
    for (int j = 0; j < nr; j++) {
      double[][] g = new double[5][5];
      double bound = 0;
      for (int q = 0; q < 25; q++) {
        g[q / 5][q % 5] = tiles[2 + q * stride + j];
        bound = Math.max(bound, Math.abs(g[q / 5][q % 5]));
      }
      double[][] u = TransformFixtures.sandwich(TransformFixtures.transpose(AT), g);
      for (int xi = 0; xi < 49; xi++) {
        // A's rows sum to at most 31 in magnitude: the second pass's partial sums stay under 31² · bound, and each
        // value takes at most 6 + 6 roundings.
        assertEquals(u[xi / 7][xi % 7], results[0][9 + xi * MATRIX + j], 12 * 31 * 31 * bound * 0x1p-24, "Ĝ[" + xi + "] of tile " + j);
      }
    }
  }
}
