package dev.netforge.runtime;

import static dev.netforge.runtime.Reference.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.netforge.runtime.io.SafeTensors;
import dev.netforge.runtime.io.TensorFormatException;
import dev.netforge.runtime.nn.Conv2d;
import dev.netforge.runtime.nn.ConvShape;
import dev.netforge.runtime.nn.Dense;
import dev.netforge.runtime.nn.LocalResponseNorm;
import dev.netforge.runtime.nn.LrnShape;
import dev.netforge.runtime.nn.MaxPool2d;
import dev.netforge.runtime.nn.PoolShape;
import dev.netforge.runtime.nn.SoftmaxCrossEntropy;
import dev.netforge.runtime.nn.TowerSlice;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Every layer case of ../shared/reference, forward and backward, within relative error 1e-4. */
class ReferenceLayersTest {
  @ParameterizedTest
  @ValueSource(strings = {"conv_basic", "conv_stride4_k11", "conv_grouped"})
  void convolution(String name) throws TensorFormatException {
    SafeTensors ref = Reference.load(name);
    int[] xs = ref.get("x").shape();
    int[] ws = ref.get("weight").shape();
    int[] ys = ref.get("output").shape();
    int groups = Integer.parseInt(ref.metadata().get("groups"));
    int batch = xs[0];
    ConvShape s = new ConvShape(xs[1], xs[2], xs[3], ys[1], ys[2], ys[3], ws[2], Integer.parseInt(ref.metadata().get("stride")),
        Integer.parseInt(ref.metadata().get("padding")), ws[1]);
    float[] x = ref.get("x").floats();
    Parameter weight = TestParameters.of("weight", ref.get("weight").floats());
    Parameter bias = TestParameters.of("bias", ref.get("bias").floats());
    float[] y = new float[ref.get("output").floats().length];
    int perGroup = ys[1] / groups;
    TowerSlice[] slices = new TowerSlice[groups];
    for (int g = 0; g < groups; g++) {
      slices[g] = new TowerSlice(g * ws[1], g * perGroup, perGroup, false);
    }
    Conv2d conv = new Conv2d(s, weight, bias, false, new Scratch(Parallel.shared().threads()), slices);
    conv.bind(x, y, null);
    conv.forward(batch, false);
    assertClose(name + " output", y, ref.get("output").floats());

    float[] dx = new float[x.length];
    conv.bindGradients(ref.get("grad_output").floats().clone(), dx);
    conv.backward(batch, false);
    assertClose(name + " grad_x", dx, ref.get("grad_x").floats());
    assertClose(name + " grad_weight", weight.grad, ref.get("grad_weight").floats());
    assertClose(name + " grad_bias", bias.grad, ref.get("grad_bias").floats());
  }

  @Test
  void dense() throws TensorFormatException {
    SafeTensors ref = Reference.load("dense");
    int[] xs = ref.get("x").shape();
    int units = ref.get("weight").shape()[0];
    float[] y = new float[xs[0] * units];
    Parameter weight = TestParameters.of("weight", ref.get("weight").floats());
    Parameter bias = TestParameters.of("bias", ref.get("bias").floats());
    Dense dense = new Dense(xs[1], units, weight, bias, false, new TowerSlice(0, 0, units, false));
    dense.bind(ref.get("x").floats(), y, null);
    dense.forward(xs[0], false);
    assertClose("dense output", y, ref.get("output").floats());
    float[] dx = new float[xs[0] * xs[1]];
    dense.bindGradients(ref.get("grad_output").floats().clone(), dx);
    dense.backward(xs[0], false);
    assertClose("dense grad_x", dx, ref.get("grad_x").floats());
    assertClose("dense grad_weight", weight.grad, ref.get("grad_weight").floats());
    assertClose("dense grad_bias", bias.grad, ref.get("grad_bias").floats());
  }

  @ParameterizedTest
  @ValueSource(strings = {"lrn_paper", "lrn_strong_towers2"})
  void localResponseNormalization(String name) throws TensorFormatException {
    SafeTensors ref = Reference.load(name);
    int[] xs = ref.get("x").shape();
    var m = ref.metadata();
    LrnShape s = new LrnShape(xs[1], xs[2] * xs[3], Integer.parseInt(m.get("size")), Float.parseFloat(m.get("alpha")),
        Float.parseFloat(m.get("beta")), Float.parseFloat(m.get("k")), Integer.parseInt(m.get("towers")));
    float[] x = ref.get("x").floats();
    float[] y = new float[x.length];
    float[] scale = new float[x.length];
    Scratch scratch = new Scratch(1);
    LocalResponseNorm[] stages = new LocalResponseNorm[s.towers()];
    for (int t = 0; t < s.towers(); t++) {
      stages[t] = new LocalResponseNorm(s, t, scratch);
      stages[t].bind(x, y, scale);
      stages[t].forward(xs[0], false);
    }
    assertClose(name + " output", y, ref.get("output").floats());
    float[] dx = new float[x.length];
    for (LocalResponseNorm stage : stages) {
      stage.bindGradients(ref.get("grad_output").floats(), dx);
      stage.backward(xs[0], false);
    }
    assertClose(name + " grad_x", dx, ref.get("grad_x").floats());
  }

  @ParameterizedTest
  @ValueSource(strings = {"maxpool_overlap", "maxpool_floor"})
  void maxPool(String name) throws TensorFormatException {
    SafeTensors ref = Reference.load(name);
    int[] xs = ref.get("x").shape();
    int[] ys = ref.get("output").shape();
    int k = Integer.parseInt(ref.metadata().get("kernel"));
    PoolShape s = new PoolShape(xs[1], xs[2], xs[3], ys[2], ys[3], k, Integer.parseInt(ref.metadata().get("stride")));
    float[] y = new float[ref.get("output").floats().length];
    int[] argmax = new int[y.length];
    MaxPool2d pool = new MaxPool2d(s, 0, xs[1]);
    pool.bind(ref.get("x").floats(), y, argmax);
    pool.forward(xs[0], false);
    assertClose(name + " output", y, ref.get("output").floats());
    float[] dx = new float[ref.get("x").floats().length];
    pool.bindGradients(ref.get("grad_output").floats(), dx);
    pool.backward(xs[0], false);
    assertClose(name + " grad_x", dx, ref.get("grad_x").floats());
  }

  @Test
  void softmaxCrossEntropy() throws TensorFormatException {
    SafeTensors ref = Reference.load("softmax_xent");
    int[] shape = ref.get("logits").shape();
    float[] grad = new float[shape[0] * shape[1]];
    double loss = SoftmaxCrossEntropy.lossAndGradient(ref.get("logits").floats(), ref.get("labels").toInts(), shape[0], shape[1], grad);
    assertEquals(ref.get("loss").floats()[0], loss, 1e-4 * Math.abs(ref.get("loss").floats()[0]));
    assertClose("grad_logits", grad, ref.get("grad_logits").floats());
  }
}
