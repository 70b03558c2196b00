package dev.netforge.examples;

import dev.netforge.runtime.Reference;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netforge.dsl.Conv;
import dev.netforge.dsl.Dense;
import dev.netforge.dsl.Dropout;
import dev.netforge.dsl.Input;
import dev.netforge.dsl.MaxPool;
import dev.netforge.dsl.Network;
import dev.netforge.dsl.Relu;
import dev.netforge.dsl.Softmax;
import dev.netforge.runtime.CompiledNetwork;
import dev.netforge.runtime.Parameter;
import dev.netforge.runtime.Rng;
import org.junit.jupiter.api.Test;

/**
 * A two-tower network gives the numbers of the same network as one tower with grouped convolutions: the forward
 * output, every parameter gradient and the input gradient, with and without dropout.
 */
class TowerEquivalenceTest {
  @Network(name = "TwoTowerProbe", towers = 2)
  @Input(channels = 3, height = 15, width = 15)
  interface TwoTowerProbeSpec {
    @Conv(filters = 8, kernel = 3, stride = 2)
    @Relu
    @MaxPool(kernel = 3, stride = 2)
    void conv1();

    @Conv(filters = 12, kernel = 3, padding = 1, groups = 2)
    @Relu
    void conv2();

    @Conv(filters = 8, kernel = 3, padding = 1)
    @Relu
    void conv3();

    @Dense(units = 16)
    @Relu
    @Dropout(0.5)
    void fc4();

    @Dense(units = 6)
    @Softmax
    void fc5();
  }

  @Network(name = "OneTowerProbe", towers = 1)
  @Input(channels = 3, height = 15, width = 15)
  interface OneTowerProbeSpec {
    @Conv(filters = 8, kernel = 3, stride = 2)
    @Relu
    @MaxPool(kernel = 3, stride = 2)
    void conv1();

    @Conv(filters = 12, kernel = 3, padding = 1, groups = 2)
    @Relu
    void conv2();

    @Conv(filters = 8, kernel = 3, padding = 1)
    @Relu
    void conv3();

    @Dense(units = 16)
    @Relu
    @Dropout(0.5)
    void fc4();

    @Dense(units = 6)
    @Softmax
    void fc5();
  }

  @Test
  void twoTowersEqualGroupedOneTower() {
    CompiledNetwork two = new TwoTowerProbe();
    CompiledNetwork one = new OneTowerProbe();
    two.initialize(7);
    Rng rng = new Rng(3);
    for (Parameter p : two.parameters()) {
      for (int i = 0; i < p.size(); i++) {
        p.value[i] = (float) (rng.nextGaussian() * 0.3);
      }
      System.arraycopy(p.value, 0, one.parameter(p.name()).value, 0, p.size());
    }
    int batch = 5;
    float[] x = rng.gaussians(batch * two.inputSize(), 1);
    int[] labels = {0, 1, 2, 3, 5};
    for (boolean training : new boolean[] {false, true}) {
      two.restoreDropout(11, 0);
      one.restoreDropout(11, 0);
      float[] y2 = two.forward(x, batch, training).clone();
      float[] y1 = one.forward(x, batch, training).clone();
      assertClose("logits (training=" + training + ")", y2, y1);
      float[] dx2 = new float[x.length];
      float[] dx1 = new float[x.length];
      two.backward(labels, dx2);
      one.backward(labels, dx1);
      assertClose("input gradient", dx2, dx1);
      for (Parameter p : two.parameters()) {
        assertClose("grad " + p.name(), p.grad, one.parameter(p.name()).grad);
      }
    }
  }

  private static void assertClose(String what, float[] a, float[] b) {
    double e = Reference.relativeError(a, b);
    assertTrue(e <= 1e-6, what + ": relative error " + e);
  }
}
