package dev.netforge.runtime.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.netforge.runtime.Rng;
import dev.netforge.runtime.gemm.Sgemm;
import org.junit.jupiter.api.Test;

/**
 * Both implementations of {@link WinogradF3x3Transforms}: the same bits as each other, and within float32 rounding of
 * Bᵀ d B and Aᵀ M A computed in float64 from the Toom–Cook matrices of 0, 1, −1, ½, −½, 2, ∞ (written here from their
 * definition, not from the class's tables), tile by tile: tiles at scattered offsets (as a panel's tiles wrap rows,
 * planes and examples), repeated offsets (a panel's spare columns), values of every sign and scale; the same for the
 * weight gradient's transform of 3×3 gradient tiles, A g Aᵀ. Also that G, Aᵀ and Bᵀ compute a correlation both ways:
 * Aᵀ [(G g Gᵀ) ⊙ (Bᵀ d B)] A is the 3×3 correlation of d with a 5×5 g (the forward pass, F(3×3, 5×5)), and Gᵀ [(A g Aᵀ)
 * ⊙ (Bᵀ d B)] G the 5×5 correlation of d with a 3×3 g (the weight gradient, F(5×5, 3×3)). The input transform's
 * adjoint B ∂V Bᵀ (the input gradient, {@link WinogradInputGradient}) likewise: the same bits both ways, within float32
 * rounding of float64, added to the plane's window and nowhere else.
 */
class WinogradF3x3TransformsTest {
  private static final int WIDTH = 20;
  private static final int MATRIX = 1000;

  private static final double[][] AT = {
    {1, 1, 1, 1, 1, 1, 0},
    {0, 1, -1, 1 / 2.0, -1 / 2.0, 2, 0},
    {0, 1, 1, 1 / 4.0, 1 / 4.0, 4, 1},
  };
  private static final double[][] G = {
    {-2, 0, 0, 0, 0},
    {-2 / 3.0, -2 / 3.0, -2 / 3.0, -2 / 3.0, -2 / 3.0},
    {-2 / 9.0, 2 / 9.0, -2 / 9.0, 2 / 9.0, -2 / 9.0},
    {16 / 9.0, 8 / 9.0, 4 / 9.0, 2 / 9.0, 1 / 9.0},
    {16 / 15.0, -8 / 15.0, 4 / 15.0, -2 / 15.0, 1 / 15.0},
    {2 / 45.0, 4 / 45.0, 8 / 45.0, 16 / 45.0, 32 / 45.0},
    {0, 0, 0, 0, 1},
  };

  @Test
  void theMatricesComputeTheCorrelation() {
    Rng rng = new Rng(35);
    double[][] d = TransformFixtures.gaussian(rng, 7);
    double[][] g = TransformFixtures.gaussian(rng, 5);
    TransformFixtures.assertCorrelation(d, g, TransformFixtures.bilinear(TransformFixtures.BT_7X7, G, g, d, AT), "Y");
  }

  @Test
  void theDualComputesTheWeightGradientsCorrelation() {
    Rng rng = new Rng(53);
    double[][] d = TransformFixtures.gaussian(rng, 7);
    double[][] g = TransformFixtures.gaussian(rng, 3);
    double[][] dw = TransformFixtures.bilinear(TransformFixtures.BT_7X7, TransformFixtures.transpose(AT), g, d, TransformFixtures.transpose(G));
    TransformFixtures.assertCorrelation(d, g, dw, "dW");
  }

  @Test
  void bothImplementationsTransformTheGradientTiles() {
    int nr = Sgemm.panelWidth();
    int stride = nr + 5;
    Rng rng = new Rng(71);
    float[] tiles = new float[9 * stride + 2];
    for (int i = 0; i < tiles.length; i++) {
      tiles[i] = (float) (rng.nextGaussian() * Math.pow(10, rng.nextInt(7) - 3));
    }
    float[][] results = new float[2][];
    WinogradF3x3Transforms[] implementations = {new ScalarWinogradF3x3Transforms(), new VectorWinogradF3x3Transforms()};
    for (int i = 0; i < 2; i++) {
      WinogradF3x3Transforms t = implementations[i];
      results[i] = new float[49 * MATRIX];
      t.gradient(tiles, 2, stride, results[i], 9, MATRIX, new float[t.workSize()]);
    }
    assertArrayEquals(results[0], results[1], "gradient: the vector implementation's bits");
    for (int j = 0; j < nr; j++) {
      double[][] g = new double[3][3];
      double bound = 0;
      for (int q = 0; q < 9; q++) {
        g[q / 3][q % 3] = tiles[2 + q * stride + j];
        bound = Math.max(bound, Math.abs(g[q / 3][q % 3]));
      }
      double[][] u = TransformFixtures.sandwich(TransformFixtures.transpose(AT), g);
      for (int xi = 0; xi < 49; xi++) {
        // A's rows sum to at most 7 in magnitude: 100 · bound bounds every partial sum.
        assertEquals(u[xi / 7][xi % 7], results[0][9 + xi * MATRIX + j], 100 * bound * 0x1p-20, "Ĝ[" + xi + "] of tile " + j);
      }
    }
  }

  @Test
  void bothImplementationsAddTheInputGradient() {
    // 48 channels: three 16-lane vectors (six 8-lane ones), each tile's ∂V_ξ rows 64 apart as WinogradInputGradient lays them.
    int channels = 48;
    int row = 64;
    int at = 5;
    int planeAt = 3 * channels;
    Rng rng = new Rng(4111);
    float[] products = new float[at + 48 * MATRIX + row];
    for (int i = 0; i < products.length; i++) {
      products[i] = (float) (rng.nextGaussian() * Math.pow(10, rng.nextInt(5) - 2));
    }
    float[] before = new float[planeAt + (6 * WIDTH + 7) * channels + 1];
    for (int i = 0; i < before.length; i++) {
      before[i] = (float) rng.nextGaussian();
    }
    float[][] results = new float[2][];
    WinogradF3x3Transforms[] implementations = {new ScalarWinogradF3x3Transforms(), new VectorWinogradF3x3Transforms()};
    for (int i = 0; i < 2; i++) {
      WinogradF3x3Transforms t = implementations[i];
      results[i] = before.clone();
      t.addInputGradient(products, at, MATRIX, channels, results[i], planeAt, WIDTH, new float[t.workSize()]);
    }
    assertArrayEquals(results[0], results[1], "input gradient: the vector implementation's bits");
    double[][] b = TransformFixtures.transpose(TransformFixtures.BT_7X7);
    for (int c = 0; c < channels; c++) {
      double[][] m = new double[7][7];
      double bound = 0;
      for (int xi = 0; xi < 49; xi++) {
        m[xi / 7][xi % 7] = products[at + xi * MATRIX + c];
        bound = Math.max(bound, Math.abs(m[xi / 7][xi % 7]));
      }
      double[][] d = TransformFixtures.sandwich(b, m);
      for (int i = 0; i < 7; i++) {
        for (int k = 0; k < 7; k++) {
          int to = planeAt + (i * WIDTH + k) * channels + c;
          // B's rows sum to at most 8 in magnitude, as Bᵀ's do: 100 · bound bounds every partial sum.
          assertEquals(before[to] + d[i][k], results[0][to], 100 * (bound + Math.abs(before[to])) * 0x1p-20, "∂d[" + i + "][" + k + "] of channel " + c);
        }
      }
    }
    // Outside the window, the plane is as it was.
    for (int i = 0; i < before.length; i++) {
      int pixel = i / channels - 3;
      boolean inWindow = i >= planeAt && pixel % WIDTH < 7 && pixel / WIDTH < 7;
      if (!inWindow) {
        assertEquals(before[i], results[0][i], "plane[" + i + "] outside the window");
      }
    }
  }

  @Test
  void bothImplementationsComputeTheMatrices() {
    int nr = Sgemm.panelWidth();
    Rng rng = new Rng(2017);
    float[] planes = TransformFixtures.planes(rng, 40, WIDTH);
    int[] tileAt = TransformFixtures.tileCorners(rng, nr + 3, WIDTH, 33, 13);
    float[] products = new float[49 * MATRIX];
    for (int i = 0; i < products.length; i++) {
      products[i] = (float) (rng.nextGaussian() * 100);
    }
    int offset = 3;
    float[][] results = new float[4][];
    WinogradF3x3Transforms[] implementations = {new ScalarWinogradF3x3Transforms(), new VectorWinogradF3x3Transforms()};
    for (int i = 0; i < 2; i++) {
      WinogradF3x3Transforms t = implementations[i];
      float[] work = new float[t.workSize()];
      results[2 * i] = new float[49 * MATRIX];
      t.input(planes, tileAt, offset, WIDTH, results[2 * i], 7, MATRIX, work);
      results[2 * i + 1] = new float[9 * 100];
      t.output(products, 11, MATRIX, results[2 * i + 1], 5, 100, work);
    }
    assertArrayEquals(results[0], results[2], "input: the vector implementation's bits");
    assertArrayEquals(results[1], results[3], "output: the vector implementation's bits");

    for (int j = 0; j < nr; j++) {
      int at = tileAt[offset + j];
      double[][] d = new double[7][7];
      double bound = 0;
      for (int i = 0; i < 7; i++) {
        for (int k = 0; k < 7; k++) {
          d[i][k] = planes[at + i * WIDTH + k];
          bound = Math.max(bound, Math.abs(d[i][k]));
        }
      }
      double[][] v = TransformFixtures.sandwich(TransformFixtures.BT_7X7, d);
      for (int xi = 0; xi < 49; xi++) {
        // Bᵀ's rows sum to at most 8 in magnitude: 100 · bound bounds every partial sum.
        assertEquals(v[xi / 7][xi % 7], results[0][7 + xi * MATRIX + j], 100 * bound * 0x1p-20, "V[" + xi + "] of tile " + j);
      }
      double[][] m = new double[7][7];
      bound = 0;
      for (int xi = 0; xi < 49; xi++) {
        m[xi / 7][xi % 7] = products[11 + xi * MATRIX + j];
        bound = Math.max(bound, Math.abs(m[xi / 7][xi % 7]));
      }
      double[][] y = TransformFixtures.sandwich(AT, m);
      for (int q = 0; q < 9; q++) {
        assertEquals(y[q / 3][q % 3], results[1][5 + q * 100 + j], 100 * bound * 0x1p-20, "Y[" + q + "] of tile " + j);
      }
    }
  }
}
