package dev.netforge.runtime.cli;

import dev.netforge.runtime.CompiledNetwork;
import dev.netforge.runtime.io.SafeTensors;
import dev.netforge.runtime.io.Tensor;
import dev.netforge.runtime.io.TensorFormatException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import picocli.CommandLine.Option;

/** The options of the commands that run a trained network on a tensor file: {@code --model --weights --input}. */
final class TrainedInput {
  @Option(names = "--model", required = true, description = "Model name or generated class.")
  String model;

  @Option(names = "--weights", required = true, description = "Safetensors file with every parameter under its PyTorch name.")
  Path weights;

  @Option(names = "--input", required = true, description = "Safetensors file with tensor \"input\" [N, C, H, W].")
  Path input;

  CompiledNetwork network(Cli.Common common) throws IOException {
    return common.trained(model, weights);
  }

  /** The file's "input" tensor, checked against the network's input shape. */
  Tensor input(CompiledNetwork net) throws IOException {
    SafeTensors file = SafeTensors.read(input);
    Tensor x = file.get("input");
    int[] s = net.inputShape();
    if (x.shape().length != 4 || x.shape()[1] != s[0] || x.shape()[2] != s[1] || x.shape()[3] != s[2] || x.shape()[0] <= 0) {
      throw new TensorFormatException(file.file(), "tensor \"input\" has shape " + Arrays.toString(x.shape()) + ", expected [N, " + s[0] + ", "
          + s[1] + ", " + s[2] + "] for " + net.name());
    }
    if (!x.isFloat()) {
      throw new TensorFormatException(file.file(), "tensor \"input\" is " + x.dtype() + ", expected F32");
    }
    return x;
  }
}
