package dev.netforge.runtime.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.netforge.runtime.Rng;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The vector LRN window sums against the plane-by-plane loops, bit for bit: windows of one to seven channels,
 * clamped at both ends of one or two towers, on planes shorter than a vector, a whole number of vectors, and neither.
 */
class ChannelWindowSumTest {
  @ParameterizedTest
  @CsvSource({"5, 12, 2, 169", "5, 8, 1, 36", "3, 6, 2, 8", "1, 4, 2, 17", "7, 12, 1, 5", "5, 3, 1, 784", "4, 10, 2, 13"})
  void vectorSumsEqualThePlaneLoops(int size, int channels, int towers, int plane) {
    LrnShape s = new LrnShape(channels, plane, size, 1e-4f, 0.75f, 2f, towers);
    int examples = 2;
    float[] src = new float[examples * channels * plane];
    Rng rng = new Rng(size * 1000L + channels * 10L + plane);
    for (int i = 0; i < src.length; i++) {
      src[i] = (float) rng.nextGaussian();
    }
    float[] expected = new float[src.length];
    float[] actual = new float[src.length];
    for (int n = 0; n < examples; n++) {
      for (int t = 0; t < towers; t++) {
        new ScalarChannelWindowSum().sum(s, t, src, n * channels * plane, expected, n * channels * plane);
        new VectorChannelWindowSum().sum(s, t, src, n * channels * plane, actual, n * channels * plane);
      }
    }
    assertArrayEquals(expected, actual);
  }
}
