package dev.netforge.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.netforge.runtime.CompiledNetwork;
import dev.netforge.runtime.Parameter;
import dev.netforge.runtime.Rng;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What two data-parallel ranks compute, without MPI: the gradient of a batch equals, bit for bit, the float sum of the
 * gradients of its two halves, each computed as a rank computes its share (its examples' dropout masks, the loss's mean
 * over the whole batch). An MPI all-reduce of two ranks adds exactly those two sums, so two ranks train as one process
 * does. MiniAlexNet has every kind of sum over examples: convolution and dense weights and biases, in two towers, with
 * dropout.
 */
class BatchHalvesTest {
  /** Halves of 65: above Dense's leaf of 64 examples, so the tree's first cut is the ranks' cut; odd, so uneven below. */
  private static final int BATCH = 130;

  private static List<float[]> gradients(float[] x, int[] labels, int first, int count) {
    CompiledNetwork net = new MiniAlexNet();
    net.initialize(5);
    net.restoreDropout(3, 7);
    net.shareOfBatch(first, count == BATCH ? 0 : BATCH);
    int perExample = net.inputSize();
    net.forward(Arrays.copyOfRange(x, first * perExample, (first + count) * perExample), count, true);
    net.backward(Arrays.copyOfRange(labels, first, first + count), null);
    return net.parameters().stream().map(p -> p.grad.clone()).toList();
  }

  @Test
  void aBatchsGradientIsTheSumOfItsHalvesBitForBit() {
    int perExample = new MiniAlexNet().inputSize();
    Rng rng = new Rng(11);
    float[] x = new float[BATCH * perExample];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) rng.nextGaussian();
    }
    int[] labels = new int[BATCH];
    for (int n = 0; n < BATCH; n++) {
      labels[n] = rng.nextInt(10);
    }
    List<float[]> whole = gradients(x, labels, 0, BATCH);
    List<float[]> first = gradients(x, labels, 0, BATCH / 2);
    List<float[]> second = gradients(x, labels, BATCH / 2, BATCH / 2);
    List<Parameter> names = new MiniAlexNet().parameters();
    for (int k = 0; k < whole.size(); k++) {
      float[] w = whole.get(k);
      int differing = 0;
      int firstDiffering = -1;
      for (int i = 0; i < w.length; i++) {
        if (Float.floatToIntBits(w[i]) != Float.floatToIntBits(first.get(k)[i] + second.get(k)[i])) {
          differing++;
          firstDiffering = firstDiffering < 0 ? i : firstDiffering;
        }
      }
      assertEquals(0, differing, names.get(k).name() + ": " + differing + " of " + w.length + " elements differ, the first at " + firstDiffering);
    }
  }
}
