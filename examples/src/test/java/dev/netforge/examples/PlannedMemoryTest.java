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
  /** The field that points at the caller's array rather than a planned buffer (the stages hold the others they bind per pass). */
  private static final Set<String> BORROWED = Set.of("inputGradient");

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
    BufferPlan plan = net.buffers();
    net.forward(x, batch, true);
    assertEquals(plan.forwardPerExample() * batch, allocatedElements(net, null),
        net.name() + "'s buffers after a forward pass of " + batch + ": no gradients yet");
    net.backward(new int[batch], null);
    assertEquals((plan.forwardPerExample() + plan.gradientPerExample()) * batch, allocatedElements(net, null),
        net.name() + "'s buffers after a backward pass too");
    String[] largest = new String[1];
    allocatedElements(net, largest);
    assertEquals(plan.largestBuffer(), largest[0]);
  }

  @Test
  void gradientsArePlannedForTheBatchTrainedNotTheLargestForwardPass() throws IllegalAccessException {
    CompiledNetwork net = new MiniAlexNet();
    net.initialize(1);
    net.forward(new float[4 * net.inputSize()], 4, false);
    net.forward(new float[2 * net.inputSize()], 2, true);
    net.backward(new int[2], null);
    BufferPlan plan = net.buffers();
    assertEquals(plan.forwardPerExample() * 4 + plan.gradientPerExample() * 2, allocatedElements(net, null));
  }

  /** Elements of every planned array the network holds now; the longest one's name into {@code largest}. */
  private static long allocatedElements(CompiledNetwork net, String[] largest) throws IllegalAccessException {
    long elements = 0;
    long longest = 0;
    for (Field f : net.getClass().getDeclaredFields()) {
      if ((f.getType() != float[].class && f.getType() != int[].class) || BORROWED.contains(f.getName())) {
        continue;
      }
      f.setAccessible(true);
      Object array = f.get(net);
      int length = array == null ? 0 : array instanceof float[] a ? a.length : ((int[]) array).length;
      elements += length;
      if (largest != null && length > longest) {
        longest = length;
        largest[0] = f.getName();
      }
    }
    return elements;
  }

  @Test
  void aBatchBeyondTheHeapIsRefusedBeforeItsBuffersAreAllocated() {
    CompiledNetwork net = new MiniAlexNet();
    long perExample = net.buffers().forwardBytes(1);
    int batch = (int) Math.min(net.buffers().largestBatch(), Runtime.getRuntime().maxMemory() / perExample + 1);
    // Past the heap if the heap is the limit, else past the largest array: refused either way, naming the network.
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> net.forward(new float[batch * net.inputSize()], batch, false));
    assertTrue(e.getMessage().startsWith("MiniAlexNet"), e.getMessage());
    assertTrue(e.getMessage().contains("batch " + batch), e.getMessage());
  }
}
