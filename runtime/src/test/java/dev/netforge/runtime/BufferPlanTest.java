package dev.netforge.runtime;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BufferPlanTest {
  /** AlexNet2012's shape of plan: conv1's output, 96 × 55 × 55 per example, is its largest buffer. */
  private final BufferPlan plan = new BufferPlan(1_700_000, 1_200_000, "conv1", 96 * 55 * 55);

  @Test
  void theLargestBatchIsTheLastWhoseLargestBufferFitsInAnArray() {
    int largest = plan.largestBatch();
    assertEquals(7394, largest);
    assertTrue((long) largest * plan.largestPerExample() <= BufferPlan.MAX_ARRAY_LENGTH);
    assertTrue((long) (largest + 1) * plan.largestPerExample() > BufferPlan.MAX_ARRAY_LENGTH);
  }

  @Test
  void aBatchPastTheArrayLimitIsRefusedNamingTheBufferAndTheLargestBatch() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> plan.requirePlannable("AlexNet2012", 7395, false, Long.MAX_VALUE));
    assertTrue(e.getMessage().contains("AlexNet2012 cannot run batch 7395"), e.getMessage());
    assertTrue(e.getMessage().contains("conv1"), e.getMessage());
    assertTrue(e.getMessage().contains("the largest batch is 7394"), e.getMessage());
    assertDoesNotThrow(() -> plan.requirePlannable("AlexNet2012", 7394, true, Long.MAX_VALUE));
  }

  @Test
  void aBatchWhoseBuffersExceedTheHeapIsRefusedWithWhatItNeeds() {
    long heap = 1L << 30;
    int fits = (int) (heap / plan.bytes(1));
    assertDoesNotThrow(() -> plan.requirePlannable("AlexNet2012", fits, true, heap));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> plan.requirePlannable("AlexNet2012", fits + 1, true, heap));
    assertTrue(e.getMessage().startsWith("AlexNet2012 needs 1028.8 MiB of buffers for training at batch 93"), e.getMessage());
    assertTrue(e.getMessage().contains("at most 1024.0 MiB"), e.getMessage());
    assertTrue(e.getMessage().contains("-Xmx"), e.getMessage());
  }

  @Test
  void inferenceNeedsOnlyTheForwardBuffers() {
    long heap = 1L << 30;
    int fits = (int) (heap / plan.forwardBytes(1));
    assertTrue(fits > heap / plan.bytes(1), "more examples fit when no gradients are planned");
    assertDoesNotThrow(() -> plan.requirePlannable("AlexNet2012", fits, false, heap));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> plan.requirePlannable("AlexNet2012", fits + 1, false, heap));
    assertTrue(e.getMessage().contains("for the forward pass at batch " + (fits + 1)), e.getMessage());
  }

  @Test
  void describesTheMemoryOfABatch() {
    assertEquals("1416.0 MiB for batch 128, 830.1 MiB of it for the forward pass (11328.1 KiB per example; "
            + "the largest buffer, conv1, 141.8 MiB)",
        plan.describe(128));
  }

  @Test
  void aPlanWithoutBuffersIsAnError() {
    assertThrows(IllegalArgumentException.class, () -> new BufferPlan(0, 0, "none", 0));
    assertThrows(IllegalArgumentException.class, () -> new BufferPlan(5, 5, "conv1", 11));
    assertThrows(IllegalArgumentException.class, () -> new BufferPlan(20, -1, "conv1", 11));
  }
}
