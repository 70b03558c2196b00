package dev.netforge.runtime.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.netforge.runtime.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The vector pooling against the scalar loop, bit for bit, maxima and arg-maxima: on planes full of ties (ReLU zeros
 * and repeated values, where the row-major first maximum must win), with NaNs, and on shapes whose last window stops
 * short of the edge, at stride 1 and 2 (the vector path), with rows of outputs narrower than a vector or spanning
 * several, and the scalar fallbacks: strided by 3, too few windows for a vector, the last plane of the array (its
 * last vectors would read past the end).
 */
class MaxPoolPlaneTest {
  @ParameterizedTest
  @CsvSource({"28, 28, 3, 2", "13, 13, 3, 2", "55, 55, 3, 2", "6, 6, 2, 2", "20, 27, 3, 3", "9, 17, 2, 1", "12, 31, 5, 2", "9, 9, 3, 1", "12, 12, 2, 2", "5, 5, 3, 2", "4, 5, 2, 2", "9, 40, 3, 1", "21, 71, 4, 2"})
  void vectorPoolingEqualsTheScalarLoop(int height, int width, int kernel, int stride) {
    PoolShape s = new PoolShape(3, height, width, (height - kernel) / stride + 1, (width - kernel) / stride + 1, kernel, stride);
    int planes = 3;
    // Planes at an offset inside a larger array, as a tower's channels are.
    int offset = 5;
    float[] x = new float[offset + planes * s.inPlane()];
    Rng rng = new Rng(height * 31L + width);
    for (int i = 0; i < x.length; i++) {
      double u = rng.nextDouble();
      x[i] = u < 0.3 ? 0f : u < 0.4 ? 0.5f : u < 0.41 ? Float.NaN : (float) rng.nextGaussian();
    }
    float[] expected = new float[planes * s.outPlane()];
    float[] actual = new float[expected.length];
    int[] expectedArg = new int[expected.length];
    int[] actualArg = new int[expected.length];
    MaxPoolPlane scalar = new ScalarMaxPoolPlane();
    MaxPoolPlane vector = new VectorMaxPoolPlane();
    for (int p = 0; p < planes; p++) {
      scalar.pool(s, x, offset + p * s.inPlane(), expected, expectedArg, p * s.outPlane());
      vector.pool(s, x, offset + p * s.inPlane(), actual, actualArg, p * s.outPlane());
    }
    assertArrayEquals(expectedArg, actualArg, "arg-max");
    assertArrayEquals(expected, actual, "max");
  }

  /** One thread's workspace serves every layer: a wider plane after a larger one must not overrun its row buffers. */
  @Test
  void aWiderPlaneAfterALargerOne() {
    PoolShape square = new PoolShape(1, 40, 40, 19, 19, 3, 2);
    PoolShape wide = new PoolShape(1, 10, 100, 4, 49, 3, 2);
    MaxPoolPlane vector = new VectorMaxPoolPlane();
    for (PoolShape s : new PoolShape[] {square, wide}) {
      float[] x = new float[s.inPlane()];
      for (int i = 0; i < x.length; i++) {
        x[i] = (i * 37 % 101) / 101f;
      }
      float[] expected = new float[s.outPlane()];
      float[] actual = new float[s.outPlane()];
      int[] expectedArg = new int[s.outPlane()];
      int[] actualArg = new int[s.outPlane()];
      new ScalarMaxPoolPlane().pool(s, x, 0, expected, expectedArg, 0);
      vector.pool(s, x, 0, actual, actualArg, 0);
      assertArrayEquals(expectedArg, actualArg, s.toString());
      assertArrayEquals(expected, actual, s.toString());
    }
  }
}
