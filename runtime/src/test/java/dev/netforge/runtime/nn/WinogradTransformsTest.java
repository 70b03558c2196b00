package dev.netforge.runtime.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.netforge.runtime.Rng;
import dev.netforge.runtime.gemm.Sgemm;
import org.junit.jupiter.api.Test;

/**
 * Both implementations of {@link WinogradTransforms} (input, gradient and output) against the formulas in its javadoc, evaluated one tile at a time
 * in float32, bit for bit: tiles at scattered offsets (as a panel's tiles wrap rows, planes and examples), repeated
 * offsets (a panel's spare columns), values of every sign and scale.
 */
class WinogradTransformsTest {
  private static final int WIDTH = 16;
  private static final int MATRIX = 1000;

  @Test
  void bothImplementationsFollowTheFormulas() {
    int nr = Sgemm.panelWidth();
    Rng rng = new Rng(2015);
    float[] planes = TransformFixtures.planes(rng, 40, WIDTH);
    int[] tileAt = TransformFixtures.tileCorners(rng, nr + 3, WIDTH, 36, 12);
    int offset = 3;
    float[][] expected = formulas(planes, tileAt, offset, nr);
    for (WinogradTransforms t : new WinogradTransforms[] {new ScalarWinogradTransforms(), new VectorWinogradTransforms()}) {
      String name = t.getClass().getSimpleName();
      float[] work = new float[t.workSize()];
      float[] v = new float[16 * MATRIX];
      t.input(planes, tileAt, offset, WIDTH, v, 7, MATRIX, work);
      assertArrayEquals(expected[0], v, name + " input");
      float[] g = new float[16 * MATRIX];
      t.gradient(quads(planes, tileAt, offset, nr), 2, nr + 1, g, 7, MATRIX, work);
      assertArrayEquals(expected[1], g, name + " gradient");
    }
  }

  @Test
  void bothImplementationsFollowTheOutputFormula() {
    int nr = Sgemm.panelWidth();
    Rng rng = new Rng(2016);
    // The products of a panel's tiles, 16 points MATRIX apart from 5, values of every sign and scale.
    float[] products = TransformFixtures.planes(rng, 16 * MATRIX / WIDTH + 1, WIDTH);
    int ld = nr + 3;
    float[] expected = new float[4 * ld + 2];
    for (int j = 0; j < nr; j++) {
      float[][] m = new float[4][4];
      for (int a = 0; a < 4; a++) {
        for (int b = 0; b < 4; b++) {
          m[a][b] = products[5 + (4 * a + b) * MATRIX + j];
        }
      }
      float[][] rows = new float[2][4];
      for (int b = 0; b < 4; b++) {
        rows[0][b] = (m[0][b] + m[1][b]) + m[2][b];
        rows[1][b] = (m[1][b] - m[2][b]) - m[3][b];
      }
      for (int r = 0; r < 2; r++) {
        expected[2 + 2 * r * ld + j] = (rows[r][0] + rows[r][1]) + rows[r][2];
        expected[2 + (2 * r + 1) * ld + j] = (rows[r][1] - rows[r][2]) - rows[r][3];
      }
    }
    for (WinogradTransforms t : new WinogradTransforms[] {new ScalarWinogradTransforms(), new VectorWinogradTransforms()}) {
      float[] y = new float[4 * ld + 2];
      t.output(products, 5, MATRIX, y, 2, ld, new float[t.workSize()]);
      assertArrayEquals(expected, y, t.getClass().getSimpleName() + " output");
    }
  }

  /** Each tile's top left 2×2 as the gradient transform takes them: four rows {@code nr + 1} apart, from 2. */
  private static float[] quads(float[] planes, int[] tileAt, int offset, int nr) {
    float[] quads = new float[2 + 4 * (nr + 1)];
    for (int j = 0; j < nr; j++) {
      int at = tileAt[offset + j];
      quads[2 + j] = planes[at];
      quads[2 + (nr + 1) + j] = planes[at + 1];
      quads[2 + 2 * (nr + 1) + j] = planes[at + WIDTH];
      quads[2 + 3 * (nr + 1) + j] = planes[at + WIDTH + 1];
    }
    return quads;
  }

  /** The two transforms of the panel's tiles, one at a time, as the javadoc writes them. */
  private static float[][] formulas(float[] planes, int[] tileAt, int offset, int nr) {
    float[] v = new float[16 * MATRIX];
    float[] g = new float[16 * MATRIX];
    for (int j = 0; j < nr; j++) {
      int at = tileAt[offset + j];
      float[][] d = new float[4][4];
      for (int i = 0; i < 4; i++) {
        for (int k = 0; k < 4; k++) {
          d[i][k] = planes[at + i * WIDTH + k];
        }
      }
      float[][] bd = new float[4][];
      for (int k = 0; k < 4; k++) {
        float[] col = {d[0][k] - d[2][k], d[1][k] + d[2][k], d[2][k] - d[1][k], d[1][k] - d[3][k]};
        for (int r = 0; r < 4; r++) {
          if (bd[r] == null) {
            bd[r] = new float[4];
          }
          bd[r][k] = col[r];
        }
      }
      for (int r = 0; r < 4; r++) {
        float[] x = bd[r];
        float[] out = {x[0] - x[2], x[1] + x[2], x[2] - x[1], x[1] - x[3]};
        for (int k = 0; k < 4; k++) {
          v[7 + (4 * r + k) * MATRIX + j] = out[k];
        }
      }

      float[][] gg = {
        {d[0][0], d[0][1]},
        {0.5f * (d[0][0] + d[1][0]), 0.5f * (d[0][1] + d[1][1])},
        {0.5f * (d[0][0] - d[1][0]), 0.5f * (d[0][1] - d[1][1])},
        {-d[1][0], -d[1][1]}
      };
      for (int r = 0; r < 4; r++) {
        float u = gg[r][0];
        float w = gg[r][1];
        float[] out = {u, 0.5f * (u + w), 0.5f * (u - w), -w};
        for (int k = 0; k < 4; k++) {
          g[7 + (4 * r + k) * MATRIX + j] = out[k];
        }
      }
    }
    return new float[][] {v, g};
  }
}
