package dev.netforge.examples;

import dev.netforge.runtime.Reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netforge.runtime.CompiledNetwork;
import dev.netforge.runtime.Parameter;
import dev.netforge.runtime.io.SafeTensors;
import dev.netforge.runtime.io.Tensor;
import org.junit.jupiter.api.Test;

/** The whole generated MiniAlexNet against PyTorch: logits, loss and every parameter gradient, dropout off. */
class MiniAlexNetReferenceTest {
  static void loadWeights(CompiledNetwork net, SafeTensors weights) throws Exception {
    for (Parameter p : net.parameters()) {
      Tensor t = weights.get(p.name(), p.shape());
      System.arraycopy(t.floats(), 0, p.value, 0, p.size());
    }
  }

  @Test
  void forwardAndGradientsMatchPyTorch() throws Exception {
    SafeTensors weights = SafeTensors.read(Reference.dir().resolve("mini_alexnet_weights.safetensors"));
    SafeTensors ref = SafeTensors.read(Reference.dir().resolve("mini_alexnet_case.safetensors"));
    MiniAlexNet net = new MiniAlexNet();
    loadWeights(net, weights);
    Tensor input = ref.get("input");
    int batch = input.shape()[0];
    float[] logits = net.forward(input.floats(), batch, false);
    double err = Reference.relativeError(logits, ref.get("logits").floats());
    assertTrue(err <= 1e-4, "logits: relative error " + err);
    double loss = net.backward(ref.get("labels").toInts(), null);
    assertEquals(ref.get("loss").floats()[0], loss, 1e-4 * ref.get("loss").floats()[0], "loss");
    for (Parameter p : net.parameters()) {
      double e = Reference.relativeError(p.grad, ref.get("grad." + p.name()).floats());
      assertTrue(e <= 1e-4, "grad." + p.name() + ": relative error " + e);
    }
  }

  @Test
  void parameterCountsMatchTheDeclarations() {
    assertEquals(2_842_890L, MiniAlexNet.PARAMETER_COUNT);
    assertEquals(2_842_890L, new MiniAlexNet().parameterCount());
    assertEquals(60_965_224L, AlexNet2012.PARAMETER_COUNT);
    assertEquals(61_100_840L, AlexNetTorchvision.PARAMETER_COUNT);
  }
}
