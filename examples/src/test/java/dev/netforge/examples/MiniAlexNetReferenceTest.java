package dev.netforge.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netforge.runtime.CompiledNetwork;
import dev.netforge.runtime.Parameter;
import dev.netforge.runtime.io.SafeTensors;
import dev.netforge.runtime.io.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The whole generated MiniAlexNet against PyTorch: logits, loss and every parameter gradient, dropout off. */
class MiniAlexNetReferenceTest {
  static Path referenceDir() {
    String configured = System.getProperty("netforge.reference");
    Path dir = configured != null ? Path.of(configured) : Path.of("../../shared/reference");
    assertTrue(Files.isDirectory(dir), "reference vectors not found at " + dir.toAbsolutePath());
    return dir;
  }

  static double relativeError(float[] actual, float[] expected) {
    double diff = 0;
    double norm = 0;
    for (int i = 0; i < expected.length; i++) {
      double d = (double) actual[i] - expected[i];
      diff += d * d;
      norm += (double) expected[i] * expected[i];
    }
    return Math.sqrt(diff) / Math.max(Math.sqrt(norm), 1e-30);
  }

  static void loadWeights(CompiledNetwork net, SafeTensors weights) throws Exception {
    for (Parameter p : net.parameters()) {
      Tensor t = weights.get(p.name(), p.shape());
      System.arraycopy(t.floats(), 0, p.value, 0, p.size());
    }
  }

  @Test
  void forwardAndGradientsMatchPyTorch() throws Exception {
    SafeTensors weights = SafeTensors.read(referenceDir().resolve("mini_alexnet_weights.safetensors"));
    SafeTensors ref = SafeTensors.read(referenceDir().resolve("mini_alexnet_case.safetensors"));
    MiniAlexNet net = new MiniAlexNet();
    loadWeights(net, weights);
    Tensor input = ref.get("input");
    int batch = input.shape()[0];
    float[] logits = net.forward(input.floats(), batch, false);
    double err = relativeError(logits, ref.get("logits").floats());
    assertTrue(err <= 1e-4, "logits: relative error " + err);
    double loss = net.backward(ref.get("labels").toInts(), null);
    assertEquals(ref.get("loss").floats()[0], loss, 1e-4 * ref.get("loss").floats()[0], "loss");
    for (Parameter p : net.parameters()) {
      double e = relativeError(p.grad, ref.get("grad." + p.name()).floats());
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
