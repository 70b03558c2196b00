package dev.netforge.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netforge.dsl.Conv;
import dev.netforge.dsl.Dense;
import dev.netforge.dsl.Dropout;
import dev.netforge.dsl.Input;
import dev.netforge.dsl.Lrn;
import dev.netforge.dsl.MaxPool;
import dev.netforge.dsl.Network;
import dev.netforge.dsl.Relu;
import dev.netforge.dsl.Softmax;
import dev.netforge.runtime.CompiledNetwork;
import dev.netforge.runtime.onnx.OnnxRuntimeRun;
import dev.netforge.runtime.Reference;
import dev.netforge.runtime.cli.Cli;
import dev.netforge.runtime.onnx.OnnxExport;
import dev.netforge.runtime.train.Checkpoint;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exported networks run by ONNX Runtime, an implementation independent of netforge's, on random weights and inputs:
 * its output equals {@code forward}'s within 1e-4 relative. Networks that declare a softmax are checked on their
 * logits, where a wrong layer cannot hide behind near-uniform random-weight probabilities, and (where cheap) with the
 * softmax too.
 */
class OnnxExportTest {
  private static final double TOLERANCE = 1e-4;

  @TempDir Path tmp;

  /** LRN over all channels before any convolution, then dropout, which ONNX leaves out. */
  @Network(name = "LrnFirstClassifier")
  @Input(channels = 4, height = 9, width = 9)
  interface LrnFirstClassifierSpec {
    @Lrn(size = 3, alpha = 0.5, beta = 0.75, k = 1)
    void normalize();

    @Conv(filters = 6, kernel = 3, stride = 2)
    @Relu
    @MaxPool(kernel = 2, stride = 2)
    void conv1();

    @Dense(units = 7)
    @Relu
    @Dropout(0.5)
    void fc2();

    @Dense(units = 5)
    @Softmax
    void fc3();
  }

  @Test
  void miniAlexNet() throws Exception {
    check(new MiniAlexNet(), 2, false);
    check(new MiniAlexNet(), 2, true);
  }

  @Test
  void alexNetTorchvision() throws Exception {
    check(new AlexNetTorchvision(), 2, false);
  }

  @Test
  void alexNet2012() throws Exception {
    check(new AlexNet2012(), 1, false);
  }

  @Test
  void smallNetworks() throws Exception {
    check(new LrnFirstClassifier(), 2, false);
    check(new LrnFirstClassifier(), 2, true);
    check(new FeatureMapTrunk(), 2, true); // LRN per tower before any convolution; ends in a feature map
    check(new AvgPoolProbe(), 2, true); // average pooling with padding, on the input and after a convolution
  }

  /** {@code netforge export} of trained weights, the logits only: what ONNX Runtime computes is forward's. */
  @Test
  void commandLineExportsTheWeightsFile() throws Exception {
    Path weights = Reference.dir().resolve("mini_alexnet_weights.safetensors");
    Path model = tmp.resolve("mini.onnx");
    String printed = Console.stdoutOf(() -> assertEquals(0, Cli.run(Main.models(), null, "export", "--model", "mini-alexnet", "--weights",
        weights.toString(), "--out", model.toString(), "--logits")));
    assertTrue(printed.contains("MiniAlexNet, input [N, 1, 28, 28], output [N, 10]"), printed);
    MiniAlexNet net = new MiniAlexNet();
    Checkpoint.loadWeights(weights, net);
    compare(net, model, 2, false);
  }

  /** Exports {@code net} on random weights, with its declared softmax or its logits, and compares. */
  private void check(CompiledNetwork net, int batch, boolean declaredSoftmax) throws Exception {
    net.initialize(7);
    Path model = tmp.resolve(net.name() + ".onnx");
    if (declaredSoftmax) {
      OnnxExport.write(net, model);
    } else {
      OnnxExport.writeLogits(net, model);
    }
    compare(net, model, batch, declaredSoftmax && net.hasSoftmax());
  }

  /** ONNX Runtime's output of {@code model} against {@code net}'s forward (then softmax) on a random batch. */
  private static void compare(CompiledNetwork net, Path model, int batch, boolean softmax) throws Exception {
    float[] x = new float[batch * net.inputSize()];
    Random random = new Random(11);
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) random.nextGaussian();
    }
    float[] expected = Arrays.copyOf(net.forward(x, batch, false), batch * net.outputSize());
    if (softmax) {
      softmaxRows(expected, net.outputSize());
    }

    int[] in = net.inputShape();
    OnnxRuntimeRun run = OnnxRuntimeRun.of(model, x, batch, in[0], in[1], in[2]);
    assertArrayEquals(Arrays.stream(net.batchOutputShape(batch)).asLongStream().toArray(), run.shape(), net.name() + " output shape");
    float[] actual = run.values();
    double error = relativeError(actual, expected);
    System.out.printf("%s (%s): ONNX Runtime vs forward, batch %d: relative error %.3g%n", net.name(), softmax ? "softmax" : "as forward",
        batch, error);
    assertTrue(error <= TOLERANCE, net.name() + ": relative error " + error);
  }

  private static void softmaxRows(float[] logits, int classes) {
    for (int row = 0; row < logits.length; row += classes) {
      double max = Double.NEGATIVE_INFINITY;
      for (int c = 0; c < classes; c++) {
        max = Math.max(max, logits[row + c]);
      }
      double sum = 0;
      for (int c = 0; c < classes; c++) {
        sum += Math.exp(logits[row + c] - max);
      }
      for (int c = 0; c < classes; c++) {
        logits[row + c] = (float) (Math.exp(logits[row + c] - max) / sum);
      }
    }
  }

  /** ||a - b|| / ||b||. */
  private static double relativeError(float[] a, float[] b) {
    assertTrue(a.length == b.length, "lengths " + a.length + " and " + b.length);
    double diff = 0;
    double norm = 0;
    for (int i = 0; i < a.length; i++) {
      diff += (double) (a[i] - b[i]) * (a[i] - b[i]);
      norm += (double) b[i] * b[i];
    }
    return Math.sqrt(diff / norm);
  }
}
