package dev.netforge.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netforge.runtime.BufferPlan;
import dev.netforge.runtime.CompiledNetwork;
import java.lang.reflect.Field;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The buffer plan the processor writes into each network is what its {@code plan} allocates. */
class PlannedMemoryTest {
  /** Fields that point at the caller's arrays rather than planned buffers. */
  private static final Set<String> BORROWED = Set.of("lastInput", "outputGradient", "inputGradient");

  @Test
  void theBufferPlanCountsEveryBufferAMiniAlexNetPassAllocates() throws IllegalAccessException {
    assertPlanMatchesAllocation(new MiniAlexNet(), 3);
  }

  @Test
  void theBufferPlanCountsEveryBufferATwoTowerAlexNetAllocates() throws IllegalAccessException {
    assertPlanMatchesAllocation(new AlexNet2012(), 1);
  }

  private static void assertPlanMatchesAllocation(CompiledNetwork net, int batch) throws IllegalAccessException {
    net.initialize(1);
    float[] x = new float[batch * net.inputSize()];
    net.forward(x, batch, true);
    long elements = 0;
    long largest = 0;
    String largestName = null;
    for (Field f : net.getClass().getDeclaredFields()) {
      if ((f.getType() != float[].class && f.getType() != int[].class) || BORROWED.contains(f.getName())
          || f.getName().startsWith("inputGradientTower")) {
        continue;
      }
      f.setAccessible(true);
      Object array = f.get(net);
      int length = array instanceof float[] a ? a.length : ((int[]) array).length;
      elements += length;
      if (length > largest) {
        largest = length;
        largestName = f.getName();
      }
    }
    BufferPlan plan = net.buffers();
    assertEquals(elements, plan.elementsPerExample() * batch, net.name() + "'s buffers, all " + batch + " examples");
    assertEquals(largest, plan.largestPerExample() * batch);
    assertEquals(largestName, plan.largestBuffer());
  }

  @Test
  void aBatchBeyondTheHeapIsRefusedBeforeItsBuffersAreAllocated() {
    CompiledNetwork net = new MiniAlexNet();
    long perExample = net.buffers().bytes(1);
    int batch = (int) Math.min(net.buffers().largestBatch(), Runtime.getRuntime().maxMemory() / perExample + 1);
    // Past the heap if the heap is the limit, else past the largest array: refused either way, naming the network.
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> net.forward(new float[batch * net.inputSize()], batch, false));
    assertTrue(e.getMessage().startsWith("MiniAlexNet"), e.getMessage());
    assertTrue(e.getMessage().contains("batch " + batch), e.getMessage());
  }
}
