package dev.netforge.runtime.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.netforge.runtime.Rng;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The vector gradient through dropout and ReLU against the scalar loop, bit for bit: with and without a mask and the
 * ReLU factor, in place and into another array, on ranges that start and end off a vector boundary, with outputs
 * that are zero, negative or NaN.
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
}
