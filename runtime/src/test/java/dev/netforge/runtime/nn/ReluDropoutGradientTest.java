package dev.netforge.runtime.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.netforge.runtime.Rng;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The vector gradient through dropout and ReLU against the scalar loop, bit for bit: with and without a mask and the
 * ReLU factor, in place and into another array, on ranges that start and end off a vector boundary, with outputs
 * that are zero, negative or NaN. Their sums (a bias gradient's) too: the same bits, in the documented order.
 */
class ReluDropoutGradientTest {
  @ParameterizedTest
  @CsvSource({"true, true, true", "true, false, true", "false, true, false", "true, true, false", "false, false, true"})
  void vectorGradientEqualsTheScalarLoop(boolean relu, boolean masked, boolean inPlace) {
    int n = 203;
    Rng rng = new Rng(n + (relu ? 1 : 0) + (masked ? 2 : 0) + (inPlace ? 4 : 0));
    float[] g = new float[n];
    float[] y = new float[n];
    float[] mask = masked ? new float[n] : null;
    for (int i = 0; i < n; i++) {
      g[i] = (float) rng.nextGaussian();
      double u = rng.nextDouble();
      y[i] = u < 0.4 ? 0f : u < 0.45 ? -1f : u < 0.47 ? Float.NaN : (float) rng.nextDouble();
      if (masked) {
        mask[i] = rng.nextDouble() < 0.5 ? 0f : 2f;
      }
    }
    for (int[] range : new int[][] {{0, n}, {3, 200}, {5, 12}, {7, 7}}) {
      float[] expected = g.clone();
      float[] actualIn = g.clone();
      float[] actual = inPlace ? actualIn : new float[n];
      new ScalarReluDropoutGradient().apply(expected, y, mask, relu, expected, range[0], range[1]);
      new VectorReluDropoutGradient().apply(actualIn, y, mask, relu, actual, range[0], range[1]);
      if (!inPlace) {
        for (int i = 0; i < n; i++) {
          if (i < range[0] || i >= range[1]) {
            actual[i] = g[i];
          }
        }
      }
      assertArrayEquals(expected, actual, "range " + range[0] + ".." + range[1]);
    }
  }

  /**
   * The sum over a conv plane's sizes (784 and 169 floats, and ranges off a group of sixteen): the vector sum has the
   * scalar one's bits — the same sixteen running sums combined in the same order — and is the float64 sum of the
   * masked floats to float64's rounding. The floats' magnitudes spread over 24 decades: float64 sums of floats within a
   * few decades of each other are exact, whatever the order, and would not show another order of the additions.
   */
  @ParameterizedTest
  @CsvSource({"true, true", "true, false", "false, false"})
  void vectorSumEqualsTheScalarSum(boolean relu, boolean masked) {
    int n = 1000;
    Rng rng = new Rng(31 + (relu ? 1 : 0) + (masked ? 2 : 0));
    float[] g = new float[n];
    float[] y = new float[n];
    float[] mask = masked ? new float[n] : null;
    for (int i = 0; i < n; i++) {
      g[i] = (float) (rng.nextGaussian() * Math.pow(10, 24 * rng.nextDouble() - 12));
      y[i] = rng.nextDouble() < 0.4 ? 0f : 1f;
      if (masked) {
        mask[i] = rng.nextDouble() < 0.5 ? 0f : 2f;
      }
    }
    for (int[] range : new int[][] {{0, 784}, {5, 174}, {3, 19}, {7, 7}, {0, 1000}}) {
      float[] scalarG = g.clone();
      float[] vectorG = g.clone();
      double scalar = new ScalarReluDropoutGradient().applyAndSum(scalarG, y, mask, relu, range[0], range[1]);
      double vector = new VectorReluDropoutGradient().applyAndSum(vectorG, y, mask, relu, range[0], range[1]);
      String where = "range " + range[0] + ".." + range[1];
      assertEquals(Double.doubleToLongBits(scalar), Double.doubleToLongBits(vector), where + ": " + scalar + " against " + vector);
      assertArrayEquals(scalarG, vectorG, where);
      double exact = 0;
      for (int i = range[0]; i < range[1]; i++) {
        exact += scalarG[i];
      }
      assertEquals(exact, vector, 1e-12 * absoluteSum(scalarG, range), where);
    }
  }

  private static double absoluteSum(float[] values, int[] range) {
    double sum = 0;
    for (int i = range[0]; i < range[1]; i++) {
      sum += Math.abs(values[i]);
    }
    return sum;
  }
}
