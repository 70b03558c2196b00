package dev.netforge.runtime.cli;

import dev.netforge.runtime.CompiledNetwork;
import dev.netforge.runtime.Engine;
import dev.netforge.runtime.Parameter;
import dev.netforge.runtime.io.SafeTensors;
import dev.netforge.runtime.io.Tensor;
import dev.netforge.runtime.io.TensorFormatException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "gradients", description = "Forward and backward (dropout off); write the output, loss, grad.input and grad.<parameter>.")
final class GradientsCommand implements Callable<Integer> {
  @Mixin
  TrainedInput run;

  static final class Upstream {
    @Option(names = "--labels", description = "Safetensors file with tensor \"labels\" (I64 or F32), for @Softmax networks.")
    Path labels;

    @Option(names = "--grad-output", description = "Safetensors file with tensor \"grad_output\" shaped like the output ([N, C, H, W] or [N, units]), or [N, outputs] flat.")
    Path gradOutput;
  }

  @ArgGroup(exclusive = true, multiplicity = "1")
  Upstream upstream;

  @Option(names = "--out", required = true,
      description = "Safetensors file to write the output, the loss (with --labels), grad.input and grad.<parameter> to.")
  Path out;

  @Mixin
  Cli.Common common;

  @Override
  public Integer call() throws Exception {
    CompiledNetwork net = run.network(common);
    Tensor x = run.input(net);
    int batch = x.shape()[0];
    try (Engine engine = common.engine(net)) {
      write(engine, x, batch);
    }
    return 0;
  }

  private void write(Engine engine, Tensor x, int batch) throws IOException {
    CompiledNetwork net = engine.network();
    float[] y = Arrays.copyOf(engine.forward(x.floats(), batch, false), batch * net.outputSize());
    float[] dx = new float[batch * net.inputSize()];
    List<Tensor> outTensors = new ArrayList<>();
    if (upstream.labels != null) {
      if (!net.hasSoftmax()) {
        throw new IllegalArgumentException(net.name() + " has no @Softmax output; pass --grad-output instead of --labels");
      }
      SafeTensors lf = SafeTensors.read(upstream.labels);
      Tensor labels = lf.get("labels");
      if (labels.elementCount() != batch) {
        throw new TensorFormatException(lf.file(), "tensor \"labels\" has " + labels.elementCount() + " entries for a batch of " + batch);
      }
      double loss = engine.backward(classIndices(lf, labels, net.outputSize()), dx);
      outTensors.add(Tensor.of("logits", y, net.batchOutputShape(batch)));
      outTensors.add(Tensor.of("loss", new float[] {(float) loss}, 1));
    } else {
      SafeTensors gf = SafeTensors.read(upstream.gradOutput);
      // Shaped like the output, or flattened to [N, C·H·W] as forward's array is.
      int[] flat = {batch, net.outputSize()};
      Tensor g = gf.get("grad_output", Arrays.equals(gf.get("grad_output").shape(), flat) ? flat : net.batchOutputShape(batch));
      engine.backward(g.floats(), dx);
      outTensors.add(Tensor.of("output", y, net.batchOutputShape(batch)));
    }
    engine.toHost(null);
    int[] inShape = net.inputShape();
    outTensors.add(Tensor.of("grad.input", dx, batch, inShape[0], inShape[1], inShape[2]));
    for (Parameter p : net.parameters()) {
      outTensors.add(Tensor.of("grad." + p.name(), p.grad.clone(), p.shape()));
    }
    SafeTensors.write(out, Map.of("network", net.name(), "dropout", "off"), outTensors);
    System.out.println("wrote " + out + " (" + outTensors.size() + " tensors)");
  }

  /** The labels as class indices, each checked against the network's classes: a bad one names the file and example. */
  private static int[] classIndices(SafeTensors file, Tensor labels, int classes) throws TensorFormatException {
    int[] indices = new int[(int) labels.elementCount()];
    for (int n = 0; n < indices.length; n++) {
      double label = labels.isFloat() ? labels.floats()[n] : labels.longs()[n];
      if (!(label >= 0 && label < classes) || label != Math.rint(label)) {
        throw new TensorFormatException(file.file(), "tensor \"labels\" holds " + label + " for example " + n + ", outside the "
            + classes + " classes [0, " + classes + ")");
      }
      indices[n] = (int) label;
    }
    return indices;
  }
}
