package dev.netforge.runtime.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.netforge.runtime.Rng;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Both LRN kernels against the formula evaluated one element at a time in {@link LrnKernel}'s order, bit for bit,
 * forward (1/d and output) and backward: windows of one to seven channels, clamped at both ends of one or two
 * towers, on planes shorter than a vector, a whole number of vectors, and neither, at β = 0.75 and at another β; the
 * input gradient also through the ReLU whose output the LRN reads ({@code relu}), zero where that output is not above 0.
 */
class LrnKernelTest {
  @ParameterizedTest
  @CsvSource({
    "5, 12, 2, 169, 0.75",
    "5, 8, 1, 36, 0.75",
    "3, 6, 2, 8, 0.75",
    "1, 4, 2, 17, 0.75",
    "7, 12, 1, 5, 0.75",
    "5, 3, 1, 784, 0.75",
    "4, 10, 2, 13, 0.75",
    "2, 6, 2, 48, 0.75",
    "5, 8, 2, 40, 0.6"
  })
  void bothKernelsFollowTheFormula(int size, int channels, int towers, int plane, float beta) {
    LrnShape s = new LrnShape(channels, plane, size, 1e-2f, beta, 2f, towers);
    int examples = 2;
    int n = examples * channels * plane;
    Rng rng = new Rng(size * 1000L + channels * 10L + plane);
    float[] a = new float[n];
    float[] g = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (float) (3 * rng.nextGaussian());
      g[i] = (float) rng.nextGaussian();
    }
    float[][] expected = formula(s, a, g);
    for (LrnKernel kernel : new LrnKernel[] {new ScalarLrnKernel(), new VectorLrnKernel()}) {
      float[] scale = new float[n];
      float[] b = new float[n];
      float[] da = new float[n];
      float[] work = new float[channels * plane];
      float[] powers = new float[channels * plane];
      for (int e = 0; e < examples; e++) {
        for (int t = 0; t < towers; t++) {
          kernel.forward(s, t, a, b, scale, e * channels * plane);
        }
      }
      String name = kernel.getClass().getSimpleName();
      assertArrayEquals(expected[0], scale, name + " scale");
      assertArrayEquals(expected[1], b, name + " output");
      for (boolean relu : new boolean[] {false, true}) {
        for (int e = 0; e < examples; e++) {
          for (int t = 0; t < towers; t++) {
            kernel.backward(s, t, a, scale, g, work, powers, da, e * channels * plane, relu);
          }
        }
        float[] gradient = relu ? reluDerivative(expected[2], a) : expected[2];
        assertArrayEquals(gradient, da, name + " input gradient" + (relu ? " through the ReLU before" : ""));
      }
    }
  }

  /** {@code da} through a ReLU whose output is {@code a}, as {@link ReluDropoutGradient} computes it: 0 where a ≤ 0. */
  private static float[] reluDerivative(float[] da, float[] a) {
    float[] masked = new float[da.length];
    for (int i = 0; i < da.length; i++) {
      masked[i] = a[i] > 0f ? da[i] : 0f;
    }
    return masked;
  }

  /** 1/d, output and input gradient, one element at a time. */
  private static float[][] formula(LrnShape s, float[] a, float[] g) {
    int plane = s.plane();
    int size = s.channels() * plane;
    float[] scale = new float[a.length];
    float[] b = new float[a.length];
    float[] da = new float[a.length];
    float[] work = new float[a.length];
    for (int i = 0; i < a.length; i++) {
      int c = i % size / plane;
      int first = i - (c - s.windowFirst(c)) * plane;
      float sum = windowSum(a, first, s.windowLast(c) - s.windowFirst(c) + 1, plane, true);
      scale[i] = 1f / (s.k() + s.alpha() * sum);
      b[i] = a[i] * ScalarLrnKernel.power(scale[i], s.beta());
      work[i] = g[i] * b[i] * scale[i];
    }
    for (int i = 0; i < a.length; i++) {
      int c = i % size / plane;
      int first = i - (c - s.windowFirst(c)) * plane;
      float sum = windowSum(work, first, s.windowLast(c) - s.windowFirst(c) + 1, plane, false);
      da[i] = g[i] * ScalarLrnKernel.power(scale[i], s.beta()) + -2f * s.alpha() * s.beta() * a[i] * sum;
    }
    return new float[][] {scale, b, da};
  }

  /** {@code ((v0 + v1) + (v2 + v3)) + v4 …} over {@code count} planes from {@code first}, squared first if asked. */
  private static float windowSum(float[] v, int first, int count, int plane, boolean squares) {
    float sum = term(v, first, squares);
    int j = 1;
    if (count > 1) {
      sum += term(v, first + plane, squares);
      j = 2;
    }
    for (; j + 1 < count; j += 2) {
      sum += term(v, first + j * plane, squares) + term(v, first + (j + 1) * plane, squares);
    }
    if (j < count) {
      sum += term(v, first + j * plane, squares);
    }
    return sum;
  }

  private static float term(float[] v, int at, boolean square) {
    return square ? v[at] * v[at] : v[at];
  }
}
