package dev.netforge.runtime.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Dropout masks as functions of (seed, step, layer, example, unit): the same wherever an example is computed. */
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
}
