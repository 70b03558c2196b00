package dev.netforge.runtime.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.netforge.runtime.CounterRandom;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Dropout masks as functions of (seed, step, layer, example, unit): the same wherever an example is computed, and
 * each one the definition's, {@code uniform < rate ? 0 : 1 / (1 − rate)}, bit for bit.
 */
class DropoutMaskTest {
  private static float[] draw(long seed, long step, int layer, long firstExample, int batch) {
    float[] mask = new float[batch * 50];
    Dropout.drawMask(seed, step, layer, firstExample, mask, batch, 50, 0.5f);
    return mask;
  }

  @Test
  void anExampleDrawsTheSameMaskWhereverItIsInTheBatchSplit() {
    float[] whole = draw(7, 3, 2, 0, 8);
    float[] secondHalf = draw(7, 3, 2, 4, 4);
    assertArrayEquals(Arrays.copyOfRange(whole, 4 * 50, 8 * 50), secondHalf);
  }

  @Test
  void stepsLayersAndSeedsDrawOtherMasks() {
    float[] mask = draw(7, 3, 2, 0, 8);
    assertFalse(Arrays.equals(mask, draw(7, 4, 2, 0, 8)), "next step");
    assertFalse(Arrays.equals(mask, draw(7, 3, 3, 0, 8)), "other layer");
    assertFalse(Arrays.equals(mask, draw(8, 3, 2, 0, 8)), "other seed");
  }

  @Test
  void keepsAboutOneMinusTheRateScaledUp() {
    float[] mask = new float[100_000];
    Dropout.drawMask(1, 1, 0, 0, mask, 1000, 100, 0.25f);
    int kept = 0;
    for (float m : mask) {
      if (m != 0) {
        assertEquals(1f / 0.75f, m);
        kept++;
      }
    }
    assertEquals(0.75, kept / 100_000.0, 0.01);
  }

  @Test
  void eachUnitIsTheDefinitionsDraw() {
    long seed = 11;
    long step = 5;
    int layer = 3;
    long firstExample = 9;
    int batch = 6;
    int perExample = 1000;
    long key = CounterRandom.key(seed, step, layer);
    // The first unit's own draw as the rate (kept: not below it) and the next value of the grid (dropped).
    int first = CounterRandom.uniformBits(key, firstExample * perExample);
    for (float rate : new float[] {0f, 0.25f, 0.5f, 1f / 3, 0.9f, 0x1p-24f, first * 0x1p-24f, (first + 1) * 0x1p-24f}) {
      float[] mask = new float[batch * perExample];
      Dropout.drawMask(seed, step, layer, firstExample, mask, batch, perExample, rate);
      for (int n = 0; n < batch; n++) {
        for (int j = 0; j < perExample; j++) {
          float expected = CounterRandom.uniform(key, (firstExample + n) * perExample + j) < rate ? 0f : 1f / (1f - rate);
          assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(mask[n * perExample + j]),
              "rate " + rate + ", example " + n + ", unit " + j);
        }
      }
    }
  }
}
