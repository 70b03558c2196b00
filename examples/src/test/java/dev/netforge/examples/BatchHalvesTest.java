package dev.netforge.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.netforge.runtime.CompiledNetwork;
import dev.netforge.runtime.Parameter;
import dev.netforge.runtime.Rng;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What two data-parallel ranks compute, without MPI: the gradient of a batch equals, bit for bit, the float sum of the
 * gradients of its two halves, each computed as a rank computes its share (its examples' dropout masks, the loss's mean
 * over the whole batch). An MPI all-reduce of two ranks adds exactly those two sums, so two ranks train as one process
 * does. MiniAlexNet has every kind of sum over examples: convolution and dense weights and biases, in two towers, with
 * dropout.
 */
class BatchHalvesTest {
  private static List<float[]> gradients(float[] x, int[] labels, int first, int count, int batch) {
    CompiledNetwork net = new MiniAlexNet();
    net.initialize(5);
    net.restoreDropout(3, 7);
    net.shareOfBatch(first, count == batch ? 0 : batch);
    int perExample = net.inputSize();
    net.forward(Arrays.copyOfRange(x, first * perExample, (first + count) * perExample), count, true);
    net.backward(Arrays.copyOfRange(labels, first, first + count), null);
    return net.parameters().stream().map(p -> p.grad.clone()).toList();
  }

  /**
   * 130: halves of 65, odd, so the tree is uneven below its first cut; 128: halves of 64, each one leaf of the layers
   * with long leaves (Dense's and the Winograd convolutions', BatchTree.longLeaf) only where each half is cut as the
   * global batch's tree cuts it, not as a batch of 64 of its own; 64, the default batch: halves of 32, each one such
   * leaf and two of the other convolutions' (16), the smallest batch two ranks share exactly.
   */
  @ParameterizedTest
  @ValueSource(ints = {130, 128, 64})
  void aBatchsGradientIsTheSumOfItsHalvesBitForBit(int batch) {
    int perExample = new MiniAlexNet().inputSize();
    Rng rng = new Rng(11);
    float[] x = rng.gaussians(batch * perExample, 1);
    int[] labels = new int[batch];
    for (int n = 0; n < batch; n++) {
      labels[n] = rng.nextInt(10);
    }
    List<float[]> whole = gradients(x, labels, 0, batch, batch);
    List<float[]> first = gradients(x, labels, 0, batch / 2, batch);
    List<float[]> second = gradients(x, labels, batch / 2, batch / 2, batch);
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
