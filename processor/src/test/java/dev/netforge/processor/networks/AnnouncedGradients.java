package dev.netforge.processor.networks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.netforge.runtime.CompiledNetwork;
import dev.netforge.runtime.Parameter;
import java.util.ArrayList;
import java.util.List;

/**
 * What a generated backward pass announced through {@link CompiledNetwork#gradientsReady}: each range with a copy of
 * its gradients at that moment, so that a range announced before the pass had finished it shows.
 */
final class AnnouncedGradients {
  private final List<int[]> ranges = new ArrayList<>();
  private final List<float[][]> copies = new ArrayList<>();

  /** Listens to {@code net}'s backward passes from now on. */
  AnnouncedGradients(CompiledNetwork net) {
    List<Parameter> parameters = net.parameters();
    net.whenGradientsReady((first, count) -> {
      ranges.add(new int[] {first, count});
      float[][] grads = new float[count][];
      for (int k = 0; k < count; k++) {
        grads[k] = parameters.get(first + k).grad.clone();
      }
      copies.add(grads);
    });
  }

  /**
   * After one backward pass of {@code net}: the ranges came last parameter first, met, covered every parameter once,
   * and each gradient was already what the pass left.
   */
  void assertCoversEveryParameterAsFinal(CompiledNetwork net) {
    List<Parameter> parameters = net.parameters();
    int next = parameters.size();
    for (int r = 0; r < ranges.size(); r++) {
      int first = ranges.get(r)[0];
      int count = ranges.get(r)[1];
      assertEquals(next, first + count, net.name() + ": announced range " + r + " does not end where the one before began");
      for (int k = 0; k < count; k++) {
        Parameter p = parameters.get(first + k);
        assertArrayEquals(p.grad, copies.get(r)[k], net.name() + ": " + p.name() + " changed after it was announced final");
      }
      next = first;
    }
    assertEquals(0, next, net.name() + ": parameters 0.." + (next - 1) + " were never announced final");
    net.whenGradientsReady(CompiledNetwork.GradientsReady.NOBODY);
  }
}
