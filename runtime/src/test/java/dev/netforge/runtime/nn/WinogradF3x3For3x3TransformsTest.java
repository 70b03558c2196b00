package dev.netforge.runtime.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.netforge.runtime.Rng;
import dev.netforge.runtime.gemm.Sgemm;
import org.junit.jupiter.api.Test;

/**
 * Both implementations of {@link WinogradF3x3For3x3Transforms}: the same bits as each other, and within float32 rounding
 * of Bᵀ d B and Aᵀ M A computed in float64 from the Toom–Cook matrices of 0, 1, −1, 2, ∞ (Aᵀ's rows the powers
 * 0 to 2 of the points and ∞'s column; Bᵀ and G written here from {@link WinogradF3x3For3x3Transforms}' and {@link
 * WinogradConvolution}'s javadoc), tile by tile: tiles at scattered offsets (as a panel's tiles wrap rows, planes and
 * examples), repeated offsets (a panel's spare columns), Gaussian values. Also that the matrices compute the
 * correlation: Aᵀ [(G g Gᵀ) ⊙ (Bᵀ d B)] A is the 3×3 correlation of a 5×5 d with a 3×3 g.
 */
class WinogradF3x3For3x3TransformsTest {
  private static final int WIDTH = 20;
  private static final int MATRIX = 1000;
  private static final int LD = 100;

  private static final double[][] BT = {
    {2, -1, -2, 1, 0},
    {0, -2, -1, 1, 0},
    {0, 2, -3, 1, 0},
    {0, -1, 0, 1, 0},
    {0, 2, -1, -2, 1},
  };

  private static final double[][] AT = {
    {1, 1, 1, 1, 0},
    {0, 1, -1, 2, 0},
    {0, 1, 1, 4, 1},
  };

  private static final double[][] G = {
    {1 / 2.0, 0, 0},
    {-1 / 2.0, -1 / 2.0, -1 / 2.0},
    {-1 / 6.0, 1 / 6.0, -1 / 6.0},
    {1 / 6.0, 1 / 3.0, 2 / 3.0},
    {0, 0, 1},
  };

  @Test
  void theMatricesComputeTheCorrelation() {
    Rng rng = new Rng(35);
    double[][] d = TransformFixtures.gaussian(rng, 5);
    double[][] g = TransformFixtures.gaussian(rng, 3);
    TransformFixtures.assertCorrelation(d, g, TransformFixtures.bilinear(BT, G, g, d, AT), "Y");
  }

  @Test
  void bothImplementationsComputeTheMatrices() {
    int nr = Sgemm.panelWidth();
    Rng rng = new Rng(2021);
    float[] planes = new float[40 * WIDTH];
    for (int i = 0; i < planes.length; i++) {
      planes[i] = (float) rng.nextGaussian();
    }
    int[] tileAt = TransformFixtures.tileCorners(rng, nr + 3, WIDTH, 35, 15);
    float[] products = new float[25 * MATRIX];
    for (int i = 0; i < products.length; i++) {
      products[i] = (float) (rng.nextGaussian() * 100);
    }
    int offset = 3;
    float[][] results = new float[4][];
    WinogradF3x3For3x3Transforms[] implementations = {new ScalarWinogradF3x3For3x3Transforms(), new VectorWinogradF3x3For3x3Transforms()};
    for (int i = 0; i < 2; i++) {
      WinogradF3x3For3x3Transforms t = implementations[i];
      float[] work = new float[t.workSize()];
      results[2 * i] = new float[25 * MATRIX];
      t.input(planes, tileAt, offset, WIDTH, results[2 * i], 7, MATRIX, work);
      results[2 * i + 1] = new float[9 * LD];
      t.output(products, 11, MATRIX, results[2 * i + 1], 5, LD, work);
    }
    assertArrayEquals(results[0], results[2], "input: the vector implementation's bits");
    assertArrayEquals(results[1], results[3], "output: the vector implementation's bits");
    for (int j = 0; j < nr; j++) {
      int corner = tileAt[offset + j];
      double[][] d = new double[5][5];
      double bound = 0;
      for (int i = 0; i < 5; i++) {
        for (int k = 0; k < 5; k++) {
          d[i][k] = planes[corner + i * WIDTH + k];
          bound = Math.max(bound, Math.abs(d[i][k]));
        }
      }
      double[][] v = TransformFixtures.sandwich(BT, d);
      for (int xi = 0; xi < 25; xi++) {
        // Bᵀ's rows sum to at most 6 in magnitude: the second pass's partial sums stay under 6² · bound, and each
        // value takes at most 4 + 4 roundings.
        assertEquals(v[xi / 5][xi % 5], results[0][7 + xi * MATRIX + j], 8 * 6 * 6 * bound * 0x1p-24, "V[" + xi + "] of tile " + j);
      }
      double[][] m = new double[5][5];
      bound = 0;
      for (int xi = 0; xi < 25; xi++) {
        m[xi / 5][xi % 5] = products[11 + xi * MATRIX + j];
        bound = Math.max(bound, Math.abs(m[xi / 5][xi % 5]));
      }
      double[][] y = TransformFixtures.sandwich(AT, m);
      for (int q = 0; q < 9; q++) {
        // Aᵀ's rows sum to at most 7 in magnitude; each output takes at most 4 + 4 roundings.
        assertEquals(y[q / 3][q % 3], results[1][5 + q * LD + j], 8 * 7 * 7 * bound * 0x1p-24, "Y[" + q + "] of tile " + j);
      }
    }
  }
}
