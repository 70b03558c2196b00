package dev.netforge.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.netforge.runtime.CompiledNetwork;
import dev.netforge.runtime.Parallel;
import dev.netforge.runtime.Parameter;
import dev.netforge.runtime.Rng;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One worker thread, two and three give the same forward output and gradients, bit for bit: the two towers in turn
 * over all threads, side by side on one thread each, and side by side on one and two threads. (Every sum over the
 * examples follows one tree whatever the threads: {@code nn.BatchTree}.)
 */
class ThreadCountTest {
  @AfterEach
  void restorePool() {
    Parallel.setShared(Runtime.getRuntime().availableProcessors());
  }

  private static float[][] run(int threads) {
    // Made before the pool is resized: the network's scratch must follow the pool.
    CompiledNetwork net = new MiniAlexNet();
    Parallel.setShared(threads);
    net.initialize(5);
    Rng rng = new Rng(8);
    // Four leaves of convolution gradients for the workers to share.
    int batch = 40;
    float[] x = rng.gaussians(batch * net.inputSize(), 1);
    int[] labels = new int[batch];
    for (int n = 0; n < batch; n++) {
      labels[n] = n % 10;
    }
    net.restoreDropout(3, 0);
    float[] logits = net.forward(x, batch, true).clone();
    net.backward(labels, null);
    float[][] out = new float[net.parameters().size() + 1][];
    out[0] = logits;
    int i = 1;
    for (Parameter p : net.parameters()) {
      out[i++] = p.grad.clone();
    }
    return out;
  }

  @Test
  void oneTwoAndThreeThreadsAgree() {
    Parallel.setShared(1);
    float[][] one = run(1);
    for (int threads = 2; threads <= 3; threads++) {
      float[][] more = run(threads);
      for (int i = 0; i < one.length; i++) {
        assertArrayEquals(one[i], more[i], threads + " threads, tensor " + i);
      }
    }
  }

  /**
   * The same pass repeated gives the same bits while the towers drift apart in time (two threads each, on a machine
   * with fewer cores than threads). Caught a race in 2 of 4 runs (old code, 2-core machine): the network's LRN layers shared one
   * work buffer, which tower 0 wrote in conv1's backward while tower 1, still in conv2's, read it.
   */
  @Test
  void repeatedPassesWithTwoThreadsPerTowerGiveTheSameBits() {
    CompiledNetwork net = new MiniAlexNet();
    Parallel.setShared(4);
    net.initialize(5);
    Rng rng = new Rng(9);
    int batch = 3;
    float[] x = rng.gaussians(batch * net.inputSize(), 1);
    int[] labels = {0, 7, 4};
    float[][] first = null;
    for (int pass = 0; pass < 400; pass++) {
      net.forward(x, batch, false);
      net.backward(labels, null);
      float[][] grads = net.parameters().stream().map(p -> p.grad.clone()).toArray(float[][]::new);
      if (first == null) {
        first = grads;
      }
      for (int i = 0; i < grads.length; i++) {
        assertArrayEquals(first[i], grads[i], "pass " + pass + ", " + net.parameters().get(i).name());
      }
    }
  }
}
