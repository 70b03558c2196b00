package dev.netforge.runtime.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Labels a batch cannot use are one clear error naming the problem, not an index out of bounds. */
class SoftmaxCrossEntropyTest {
  private static final float[] LOGITS = new float[2 * 3];

  @Test
  void fewerLabelsThanExamplesAreRefused() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> SoftmaxCrossEntropy.lossAndGradient(LOGITS, new int[] {0}, 2, 3, null));
    assertEquals("1 labels for a batch of 2 examples", e.getMessage());
  }

  @Test
  void aLabelOutsideTheClassesIsRefused() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> SoftmaxCrossEntropy.lossAndGradient(LOGITS, new int[] {0, 3}, 2, 3, new float[6]));
    assertEquals("label 3 of example 1 is outside [0, 3)", e.getMessage());
  }
}
