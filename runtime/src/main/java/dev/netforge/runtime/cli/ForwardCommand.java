package dev.netforge.runtime.cli;

import dev.netforge.runtime.CompiledNetwork;
import dev.netforge.runtime.io.SafeTensors;
import dev.netforge.runtime.io.Tensor;
import dev.netforge.runtime.io.TensorFormatException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "forward", description = "Run the forward pass (dropout off) on tensor \"input\" and write tensor \"logits\".")
final class ForwardCommand implements Callable<Integer> {
  @Option(names = "--model", required = true)
  String model;

  @Option(names = "--weights", required = true, description = "Safetensors file with every parameter under its PyTorch name.")
  Path weights;

  @Option(names = "--input", required = true, description = "Safetensors file with tensor \"input\" [N, C, H, W].")
  Path input;

  @Option(names = "--out", required = true)
  Path out;

  @Mixin
  Cli.Common common;

  @Override
  public Integer call() throws Exception {
    CompiledNetwork net = common.trained(model, weights);
    Tensor x = input(SafeTensors.read(input), net);
    int batch = x.shape()[0];
    float[] y = net.forward(x.floats(), batch, false);
    SafeTensors.write(out, Map.of("network", net.name()),
        List.of(Tensor.of(net.hasSoftmax() ? "logits" : "output", java.util.Arrays.copyOf(y, batch * net.outputSize()), batch, net.outputSize())));
    System.out.println("wrote " + out + " (" + batch + " × " + net.outputSize() + ")");
    return 0;
  }

  /** The file's "input" tensor, checked against the network's input shape. */
  static Tensor input(SafeTensors file, CompiledNetwork net) throws TensorFormatException {
    Tensor x = file.get("input");
    int[] s = net.inputShape();
    if (x.shape().length != 4 || x.shape()[1] != s[0] || x.shape()[2] != s[1] || x.shape()[3] != s[2] || x.shape()[0] <= 0) {
      throw new TensorFormatException(file.file(), "tensor \"input\" has shape " + java.util.Arrays.toString(x.shape()) + ", expected [N, " + s[0]
          + ", " + s[1] + ", " + s[2] + "] for " + net.name());
    }
    if (!x.isFloat()) {
      throw new TensorFormatException(file.file(), "tensor \"input\" is " + x.dtype() + ", expected F32");
    }
    return x;
  }
}
