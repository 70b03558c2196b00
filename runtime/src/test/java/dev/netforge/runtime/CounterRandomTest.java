package dev.netforge.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * {@link CounterRandom#uniformThreshold}: comparing {@link CounterRandom#uniformBits} with it decides {@code uniform <
 * p} exactly, checked on every integer near the threshold (where an off-by-one would show) for probabilities on and
 * between the 2⁻²⁴ grid, at the ends and outside [0, 1].
 */
class CounterRandomTest {
  @Test
  void theThresholdDecidesUniformBelowP() {
    float[] probabilities = {
      0f, -0f, -1f, Float.NaN, 0x1p-24f, 0x1p-25f, 3 * 0x1p-24f, 0.25f, 0.5f, 0.5f + 0x1p-24f, 1f / 3, 0.9f,
      1 - 0x1p-24f, 1f, 1.5f, Float.POSITIVE_INFINITY, Float.MIN_VALUE
    };
    for (float p : probabilities) {
      int threshold = CounterRandom.uniformThreshold(p);
      for (int n = Math.max(0, threshold - 3); n < Math.min(1 << 24, threshold + 3); n++) {
        assertEquals(n * 0x1.0p-24f < p, n < threshold, "p = " + p + ", bits " + n);
      }
    }
  }
}
