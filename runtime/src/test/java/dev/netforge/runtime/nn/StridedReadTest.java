package dev.netforge.runtime.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Both implementations of {@link StridedRead} copy every stride-th float and nothing else: strides from 1 to past the
 * vector one's index maps, runs shorter and longer than a vector, at offsets, up to the last float of the source.
 */
class StridedReadTest {
  @Test
  void bothImplementationsCopyEveryStrideThFloat() {
    float[] from = new float[700];
    for (int i = 0; i < from.length; i++) {
      from[i] = i + 0.5f;
    }
    StridedRead[] implementations = {new ScalarStridedRead(), new VectorStridedRead()};
    for (int stride = 1; stride <= 11; stride++) {
      for (int count : new int[] {0, 1, 15, 16, 17, 32, 33, 57, 64}) {
        for (int at : new int[] {0, 3, from.length - 1 - stride * Math.max(0, count - 1)}) {
          float[] expected = new float[count + 4];
          Arrays.fill(expected, -1f);
          for (int q = 0; q < count; q++) {
            expected[2 + q] = from[at + stride * q];
          }
          for (StridedRead read : implementations) {
            float[] to = new float[count + 4];
            Arrays.fill(to, -1f);
            read.copy(from, at, stride, to, 2, count);
            assertArrayEquals(expected, to, read.getClass().getSimpleName() + ", stride " + stride + ", " + count + " from " + at);
          }
        }
      }
    }
  }
}
