package dev.netforge.runtime.gemm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.netforge.runtime.Rng;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The epilogue's runs in vectors against the scalar loop and against the formula, bit for bit: with and without ReLU
 * and a mask, in place and into another array, on runs that start and end off a vector boundary, over values that are
 * negative, zero of either sign, or NaN (which ReLU must keep, so that the trainer sees it).
 */
class BiasReluMaskTest {
  @ParameterizedTest
  @CsvSource({"true, true, true", "true, false, true", "false, true, false", "true, true, false", "false, false, true"})
  void vectorRunsEqualTheScalarLoopAndTheFormula(boolean relu, boolean masked, boolean inPlace) {
    int n = 211;
    Rng rng = new Rng(n + (relu ? 1 : 0) + (masked ? 2 : 0) + (inPlace ? 4 : 0));
    float[] src = new float[n];
    float[] mask = masked ? new float[n] : null;
    for (int i = 0; i < n; i++) {
      double u = rng.nextDouble();
      src[i] = u < 0.05 ? Float.NaN : u < 0.1 ? -0f : u < 0.15 ? 0.25f : (float) rng.nextGaussian();
      if (masked) {
        mask[i] = rng.nextDouble() < 0.5 ? 0f : 2f;
      }
    }
    // −0.25 turns the 0.25s into +0; −0 keeps the −0s, whose ReLU is Math.max's +0.
    for (float bias : new float[] {-0.25f, -0f}) {
      for (int[] run : new int[][] {{0, n}, {3, 197}, {5, 12}, {7, 0}, {16, 32}}) {
        check(src, bias, relu, mask, inPlace, run[0], run[1]);
      }
    }
  }

  private static void check(float[] src, float bias, boolean relu, float[] mask, boolean inPlace, int from, int count) {
    float[] scalar = new float[src.length + 8];
    float[] vectorIn = src.clone();
    float[] vector = inPlace ? vectorIn : new float[src.length + 8];
    new ScalarBiasReluMask().apply(src, from, bias, relu, mask, from, scalar, from, count);
    new VectorBiasReluMask().apply(vectorIn, from, bias, relu, mask, from, vector, from, count);
    for (int i = from; i < from + count; i++) {
      float v = src[i] + bias;
      float activated = relu ? Math.max(v, 0f) : v;
      float expected = mask != null ? activated * mask[i] : activated;
      String at = "bias " + bias + ", run " + from + "+" + count + ", element " + i;
      assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(scalar[i]), at + ": scalar");
      assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(vector[i]), at + ": vector");
    }
    if (!inPlace) {
      assertEquals(0f, vector[from + count], "nothing written past the run");
    }
  }
}
