package dev.netforge.runtime.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.netforge.runtime.Rng;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The vector gradient through dropout and ReLU against the scalar loop, bit for bit: with and without a mask and the
 * ReLU factor, in place and into another array, on ranges that start and end off a vector boundary, with outputs
 * that are zero, negative or NaN; and the gradient summed as it is applied ({@link ReluDropoutGradient#applyAndSum}),
 * the same bits both ways and the documented order.
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

  @ParameterizedTest
  @CsvSource({"true, true", "true, false", "false, true", "false, false"})
  void vectorSumEqualsTheScalarSum(boolean relu, boolean masked) {
    int n = 1000;
    Rng rng = new Rng(77 + (relu ? 1 : 0) + (masked ? 2 : 0));
    float[] g = new float[n];
    float[] y = new float[n];
    float[] mask = masked ? new float[n] : null;
    for (int i = 0; i < n; i++) {
      // Magnitudes 2^-30 to 2^30, so that float64 sums in another order would round differently.
      g[i] = (float) (rng.nextGaussian() * Math.scalb(1.0, rng.nextInt(61) - 30));
      y[i] = rng.nextDouble() < 0.4 ? 0f : (float) rng.nextDouble();
      if (masked) {
        mask[i] = rng.nextDouble() < 0.5 ? 0f : 2f;
      }
    }
    // A 28×28 plane, a 13×13 one off a vector boundary, a range shorter than a vector, and an empty one.
    for (int[] range : new int[][] {{0, 784}, {5, 174}, {800, 811}, {9, 9}}) {
      float[] expected = g.clone();
      float[] actual = g.clone();
      double expectedSum = new ScalarReluDropoutGradient().applyAndSum(expected, y, mask, relu, range[0], range[1]);
      double actualSum = new VectorReluDropoutGradient().applyAndSum(actual, y, mask, relu, range[0], range[1]);
      assertArrayEquals(expected, actual, "range " + range[0] + ".." + range[1]);
      assertEquals(Double.doubleToRawLongBits(expectedSum), Double.doubleToRawLongBits(actualSum), "sum over " + range[0] + ".." + range[1]);
      double[] running = new double[8];
      int i = range[0];
      for (; i + 8 <= range[1]; i += 8) {
        for (int j = 0; j < 8; j++) {
          running[j] += expected[i + j];
        }
      }
      for (; i < range[1]; i++) {
        running[0] += expected[i];
      }
      double documented = ((running[0] + running[1]) + (running[2] + running[3])) + ((running[4] + running[5]) + (running[6] + running[7]));
      assertEquals(Double.doubleToRawLongBits(documented), Double.doubleToRawLongBits(expectedSum), "documented order over " + range[0] + ".." + range[1]);
    }
  }
}
