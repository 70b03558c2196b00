package dev.netforge.runtime;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BufferPlanTest {
  /** AlexNet2012's shape of plan: conv1's output, 96 × 55 × 55 per example, is its largest buffer. */
  private final BufferPlan plan = new BufferPlan(2_900_000, "conv1", 96 * 55 * 55);

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
        () -> plan.requirePlannable("AlexNet2012", 7395, Long.MAX_VALUE));
    assertTrue(e.getMessage().contains("AlexNet2012 cannot run batch 7395"), e.getMessage());
    assertTrue(e.getMessage().contains("conv1"), e.getMessage());
    assertTrue(e.getMessage().contains("the largest batch is 7394"), e.getMessage());
    assertDoesNotThrow(() -> plan.requirePlannable("AlexNet2012", 7394, Long.MAX_VALUE));
  }

  @Test
  void aBatchWhoseBuffersExceedTheHeapIsRefusedWithWhatItNeeds() {
    long heap = 1L << 30;
    int fits = (int) (heap / plan.bytes(1));
    assertDoesNotThrow(() -> plan.requirePlannable("AlexNet2012", fits, heap));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> plan.requirePlannable("AlexNet2012", fits + 1, heap));
    assertTrue(e.getMessage().startsWith("AlexNet2012 needs 1028.8 MiB of buffers for batch 93"), e.getMessage());
    assertTrue(e.getMessage().contains("at most 1024.0 MiB"), e.getMessage());
    assertTrue(e.getMessage().contains("-Xmx"), e.getMessage());
  }

  @Test
  void describesTheMemoryOfABatch() {
    assertEquals("1416.0 MiB for batch 128 (11328.1 KiB per example; the largest buffer, conv1, 141.8 MiB)",
        plan.describe(128));
  }

  @Test
  void aPlanWithoutBuffersIsAnError() {
    assertThrows(IllegalArgumentException.class, () -> new BufferPlan(0, "none", 0));
    assertThrows(IllegalArgumentException.class, () -> new BufferPlan(10, "conv1", 11));
  }
}
