package dev.netforge.runtime.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.netforge.runtime.Rng;

/**
 * What the Winograd transform tests share: input planes of every sign and scale, a panel's tile corners scattered over
 * them, and the float64 matrix products the transforms are checked against.
 */
final class TransformFixtures {
  /**
   * Bᵀ of the Toom–Cook points 0, 1, −1, 2, −2 and ∞, written from the definition: the input transform of F(2×2, 5×5)
   * and of F(4×4, 3×3), 6×6 tiles.
   */
  static final double[][] BT_6X6 = {
    {4, 0, -5, 0, 1, 0},
    {0, -4, -4, 1, 1, 0},
    {0, 4, -4, -1, 1, 0},
    {0, -2, -1, 2, 1, 0},
    {0, 2, -1, -2, 1, 0},
    {0, 4, 0, -5, 0, 1},
  };

  /**
   * Bᵀ of the Toom–Cook points 0, 1, −1, ½, −½, 2 and ∞: the input transform of F(3×3, 5×5) and of F(5×5, 3×3), 7×7
   * tiles.
   */
  static final double[][] BT_7X7 = {
    {-1 / 2.0, 1 / 4.0, 5 / 2.0, -5 / 4.0, -2, 1, 0},
    {0, 1 / 2.0, 1 / 4.0, -9 / 4.0, -1, 1, 0},
    {0, -1 / 2.0, 3 / 4.0, 7 / 4.0, -3, 1, 0},
    {0, 1, 3 / 2.0, -2, -3 / 2.0, 1, 0},
    {0, -1, 5 / 2.0, 0, -5 / 2.0, 1, 0},
    {0, 1 / 4.0, 0, -5 / 4.0, 0, 1, 0},
    {0, -1 / 2.0, 1 / 4.0, 5 / 2.0, -5 / 4.0, -2, 1},
  };

  private TransformFixtures() {}

  /** {@code rows × width} values of every sign and scale (a Gaussian times e to a Gaussian's power). */
  static float[] planes(Rng rng, int rows, int width) {
    float[] planes = new float[rows * width];
    for (int i = 0; i < planes.length; i++) {
      planes[i] = (float) (rng.nextGaussian() * Math.exp(3 * rng.nextGaussian()));
    }
    return planes;
  }

  /**
   * {@code count} tile corners in planes of rows {@code width} apart: rows below {@code maxRow}, columns below {@code
   * maxColumn} (as a panel's tiles wrap rows, planes and examples), every fifth at 0 (a panel's spare columns repeat
   * an offset).
   */
  static int[] tileCorners(Rng rng, int count, int width, int maxRow, int maxColumn) {
    int[] tileAt = new int[count];
    for (int j = 0; j < count; j++) {
      tileAt[j] = j % 5 == 4 ? 0 : (int) (rng.nextDouble() * maxRow) * width + (int) (rng.nextDouble() * maxColumn);
    }
    return tileAt;
  }

  /** {@code a · m · aᵀ} in float64: a transform as its matrix defines it. */
  static double[][] sandwich(double[][] a, double[][] m) {
    return multiply(multiply(a, m), transpose(a));
  }

  private static double[][] multiply(double[][] a, double[][] b) {
    double[][] c = new double[a.length][b[0].length];
    for (int i = 0; i < a.length; i++) {
      for (int j = 0; j < b[0].length; j++) {
        for (int k = 0; k < b.length; k++) {
          c[i][j] += a[i][k] * b[k][j];
        }
      }
    }
    return c;
  }

  static double[][] transpose(double[][] a) {
    double[][] t = new double[a[0].length][a.length];
    for (int i = 0; i < a.length; i++) {
      for (int j = 0; j < a[0].length; j++) {
        t[j][i] = a[i][j];
      }
    }
    return t;
  }

  /** A {@code side × side} matrix of Gaussian values. */
  static double[][] gaussian(Rng rng, int side) {
    double[][] m = new double[side][side];
    for (double[] row : m) {
      for (int i = 0; i < side; i++) {
        row[i] = rng.nextGaussian();
      }
    }
    return m;
  }

  /** {@code out [(left g leftᵀ) ⊙ (bt d btᵀ)] outᵀ} in float64: a Winograd algorithm as its matrices define it. */
  static double[][] bilinear(double[][] bt, double[][] left, double[][] g, double[][] d, double[][] out) {
    double[][] u = sandwich(left, g);
    double[][] v = sandwich(bt, d);
    double[][] m = new double[u.length][u.length];
    for (int i = 0; i < u.length; i++) {
      for (int k = 0; k < u.length; k++) {
        m[i][k] = u[i][k] * v[i][k];
      }
    }
    return sandwich(out, m);
  }

  /**
   * That {@code y} is the correlation of {@code d} with {@code g}, y[i][k] = Σ d[i + a][k + b] · g[a][b], within
   * float64 rounding.
   */
  static void assertCorrelation(double[][] d, double[][] g, double[][] y, String name) {
    assertEquals(d.length - g.length + 1, y.length, name + "'s side");
    for (int i = 0; i < y.length; i++) {
      for (int k = 0; k < y.length; k++) {
        double expected = 0;
        for (int a = 0; a < g.length; a++) {
          for (int b = 0; b < g.length; b++) {
            expected += d[i + a][k + b] * g[a][b];
          }
        }
        assertEquals(expected, y[i][k], 1e-12 * (1 + Math.abs(expected)), name + "[" + i + "][" + k + "]");
      }
    }
  }
}
