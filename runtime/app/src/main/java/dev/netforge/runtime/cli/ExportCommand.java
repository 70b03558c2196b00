package dev.netforge.runtime.cli;

import dev.netforge.runtime.CompiledNetwork;
import dev.netforge.runtime.onnx.OnnxExport;
import dev.netforge.runtime.train.Checkpoint;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "export", description = "Write a trained network as an ONNX model (opset 17): tensor \"input\" [N, C, H, W] to tensor \"output\".")
final class ExportCommand implements Callable<Integer> {
  @Option(names = "--model", required = true, description = "Model name or generated class.")
  String model;

  @Option(names = "--weights", required = true, description = "Safetensors file with every parameter under its PyTorch name.")
  Path weights;

  @Option(names = "--out", required = true, description = "The .onnx file to write.")
  Path out;

  @Option(names = "--logits", description = "Leave out the declared softmax: \"output\" is the logits, as forward writes them.")
  boolean logits;

  @Override
  public Integer call() throws Exception {
    CompiledNetwork net = Cli.models.create(model);
    Checkpoint.loadWeights(weights, net);
    if (logits) {
      OnnxExport.writeLogits(net, out);
    } else {
      OnnxExport.write(net, out);
    }
    boolean softmax = net.hasSoftmax() && !logits;
    System.out.println("wrote " + out + ": " + net.name() + ", input [N, " + Arrays.toString(net.inputShape()).substring(1) + ", output [N, "
        + Arrays.toString(net.outputShape()).substring(1) + (softmax ? " (softmax)" : ""));
    return 0;
  }
}
