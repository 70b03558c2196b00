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
    Scratch scratch = new Scratch(Parallel.shared().threads());
    float[] x = ref.get("x").floats();
    float[] w = ref.get("weight").floats();
    float[] y = new float[ref.get("output").floats().length];
    int perGroup = ys[1] / groups;
    for (int g = 0; g < groups; g++) {
      Conv2d.forward(scratch, s, x, batch, w, ref.get("bias").floats(), y, g * ws[1], g * perGroup, perGroup, false, null);
    }
    assertClose(name + " output", y, ref.get("output").floats());

    float[] dy = ref.get("grad_output").floats().clone();
    float[] dw = new float[w.length];
    float[] db = new float[ys[1]];
    float[] dx = new float[x.length];
    for (int g = 0; g < groups; g++) {
      Conv2d.backward(scratch, s, x, batch, w, y, null, false, dy, dw, db, dx, false, g * ws[1], g * perGroup, perGroup);
    }
    assertClose(name + " grad_x", dx, ref.get("grad_x").floats());
    assertClose(name + " grad_weight", dw, ref.get("grad_weight").floats());
    assertClose(name + " grad_bias", db, ref.get("grad_bias").floats());
  }

  @Test
  void dense() throws TensorFormatException {
    SafeTensors ref = Reference.load("dense");
    int[] xs = ref.get("x").shape();
    int units = ref.get("weight").shape()[0];
    float[] y = new float[xs[0] * units];
    float[] w = ref.get("weight").floats();
    Dense.forward(ref.get("x").floats(), xs[0], xs[1], w, ref.get("bias").floats(), y, units, 0, units, false, null);
    assertClose("dense output", y, ref.get("output").floats());
    float[] dw = new float[w.length];
    float[] db = new float[units];
    float[] dx = new float[xs[0] * xs[1]];
    Dense.backward(ref.get("x").floats(), xs[0], xs[1], w, y, null, false, ref.get("grad_output").floats().clone(), dw, db, dx, false, units, 0, units);
    assertClose("dense grad_x", dx, ref.get("grad_x").floats());
    assertClose("dense grad_weight", dw, ref.get("grad_weight").floats());
    assertClose("dense grad_bias", db, ref.get("grad_bias").floats());
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
    for (int t = 0; t < s.towers(); t++) {
      LocalResponseNorm.forward(s, t, x, y, scale, xs[0]);
    }
    assertClose(name + " output", y, ref.get("output").floats());
    float[] dx = new float[x.length];
    Scratch scratch = new Scratch(1);
    for (int t = 0; t < s.towers(); t++) {
      LocalResponseNorm.backward(s, t, x, y, scale, ref.get("grad_output").floats(), dx, scratch, xs[0]);
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
    MaxPool2d.forward(s, 0, xs[1], ref.get("x").floats(), y, argmax, xs[0]);
    assertClose(name + " output", y, ref.get("output").floats());
    float[] dx = new float[ref.get("x").floats().length];
    MaxPool2d.backward(s, 0, xs[1], ref.get("grad_output").floats(), argmax, dx, xs[0]);
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
