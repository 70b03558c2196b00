package dev.netforge.runtime.cli;

import dev.netforge.runtime.CompiledNetwork;
import dev.netforge.runtime.Engine;
import dev.netforge.runtime.io.SafeTensors;
import dev.netforge.runtime.io.Tensor;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "forward", description = "Run the forward pass (dropout off) on tensor \"input\" and write tensor \"logits\".")
final class ForwardCommand implements Callable<Integer> {
  @Mixin
  TrainedInput run;

  @Option(names = "--out", required = true, description = "Safetensors file to write the output to (tensor \"logits\", or \"output\" for a "
      + "network without @Softmax).")
  Path out;

  @Mixin
  Cli.Common common;

  @Override
  public Integer call() throws Exception {
    CompiledNetwork net = run.network(common);
    Tensor x = run.input(net);
    int batch = x.shape()[0];
    float[] y;
    try (Engine engine = common.engine(net)) {
      y = java.util.Arrays.copyOf(engine.forward(x.floats(), batch, false), batch * net.outputSize());
    }
    SafeTensors.write(out, Map.of("network", net.name()), List.of(Tensor.of(net.hasSoftmax() ? "logits" : "output", y, net.batchOutputShape(batch))));
    System.out.println("wrote " + out + " " + java.util.Arrays.toString(net.batchOutputShape(batch)));
    return 0;
  }
}
