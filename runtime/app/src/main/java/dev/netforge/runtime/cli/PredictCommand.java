package dev.netforge.runtime.cli;

import dev.netforge.runtime.CompiledNetwork;
import dev.netforge.runtime.Engine;
import dev.netforge.runtime.images.Augmentation;
import dev.netforge.runtime.images.ClassNames;
import dev.netforge.runtime.images.ColourStatistics;
import dev.netforge.runtime.images.ImageDecoder;
import dev.netforge.runtime.images.Preprocessing;
import dev.netforge.runtime.images.TorchvisionNormalization;
import dev.netforge.runtime.train.Evaluation;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "predict", description = "Classify image files: the five most likely classes of each, with probabilities. A file that cannot be "
    + "decoded is named on standard error and the rest are still classified; the exit code is then 1.")
final class PredictCommand implements Callable<Integer> {
  @Option(names = "--model", required = true, description = "Model name or generated class.")
  String model;

  @Option(names = "--weights", required = true, description = "Safetensors file with every parameter under its PyTorch name "
      + "(torchvision's alexnet state_dict as-is for alexnet-torchvision).")
  Path weights;

  @Option(names = "--labels", description = "Class names, one a line (default: ImageNet's for 1000 outputs).")
  Path labels;

  @Option(names = "--statistics", description = "The training folder's mean image and colour statistics, for networks trained "
      + "with netforge's image pipeline (default: torchvision's normalization, for torchvision's weights).")
  Path statistics;

  @Parameters(arity = "1..*", paramLabel = "IMAGE", description = "JPEG or PNG files.")
  List<Path> images;

  @Mixin
  Cli.Common common;

  @Override
  public Integer call() throws Exception {
    CompiledNetwork net = common.trained(model, weights);
    int crop = Preprocessing.cropFor(net);
    List<String> names = ClassNames.of(labels, net.outputSize());
    Augmentation paper = statistics != null ? new Augmentation(ColourStatistics.read(statistics), crop) : null;
    float[] x = new float[net.inputSize()];
    double[] probabilities = new double[net.outputSize()];
    int undecodable = 0;
    try (Engine engine = common.engine(net)) {
      for (Path image : images) {
        byte[] square;
        try {
          square = Preprocessing.square(ImageDecoder.decode(image));
        } catch (IOException e) {
          // One bad file in a batch of photos must not cost the rest their answers: name it and go on.
          System.err.println("error: " + ErrorMessage.of(e));
          undecodable++;
          continue;
        }
        if (paper != null) {
          paper.center(square, x, 0);
        } else {
          TorchvisionNormalization.center(square, crop, x, 0);
        }
        Evaluation.averageSoftmax(engine.forward(x, 1, false), 0, 1, net.outputSize(), probabilities);
        Integer[] order = new Integer[probabilities.length];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, (a, b) -> Double.compare(probabilities[b], probabilities[a]));
        System.out.println(image + ":");
        for (int k = 0; k < Math.min(5, order.length); k++) {
          System.out.printf(Locale.ROOT, "  %d. %6.2f%%  %s (%d)%n", k + 1, 100 * probabilities[order[k]], names.get(order[k]), order[k]);
        }
      }
    }
    return undecodable == 0 ? 0 : 1;
  }
}
