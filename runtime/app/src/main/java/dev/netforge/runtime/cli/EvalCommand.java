package dev.netforge.runtime.cli;

import dev.netforge.runtime.CompiledNetwork;
import dev.netforge.runtime.Engine;
import dev.netforge.runtime.data.Batcher;
import dev.netforge.runtime.data.FashionMnist;
import dev.netforge.runtime.data.ImageSet;
import dev.netforge.runtime.data.Normalization;
import dev.netforge.runtime.data.TrainingData;
import dev.netforge.runtime.images.Augmentation;
import dev.netforge.runtime.images.ColourStatistics;
import dev.netforge.runtime.images.ImageFolder;
import dev.netforge.runtime.images.ImageFolderData;
import dev.netforge.runtime.images.Preprocessing;
import dev.netforge.runtime.io.SafeTensors;
import dev.netforge.runtime.train.Checkpoint;
import dev.netforge.runtime.train.Evaluation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "eval", description = "Top-1, top-5 and the confusion matrix of trained weights on the test set.")
final class EvalCommand implements Callable<Integer> {
  @Option(names = "--model", defaultValue = "mini-alexnet", description = "Model name or generated class (default: ${DEFAULT-VALUE}).")
  String model;

  @Option(names = "--weights", required = true, description = "A checkpoint or weights file.")
  Path weights;

  @Option(names = "--data", description = "Directory of the IDX files (default: ${DEFAULT-VALUE}).")
  Path data = FashionMnist.DEFAULT_DIR;

  @Option(names = "--batch", defaultValue = "256",
      description = "Images per forward pass, crops included (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--ten-crop", description = "Image folders: average the softmax over 10 crops per image (default: the central crop).")
  boolean tenCrop;

  @Mixin
  Cli.Common common;

  @Override
  public Integer call() throws Exception {
    OptionChecks.atLeast("--batch", batch, 1);
    CompiledNetwork net = common.network(model);
    SafeTensors st = Checkpoint.loadWeights(weights, net);
    TrainingData test = Files.isDirectory(data.resolve("val")) ? imageFolder(net, st) : idx(st);
    Evaluation e;
    try (Engine engine = common.engine(net)) {
      e = Evaluation.of(engine, test, batch);
    }
    System.out.printf(Locale.ROOT, "%s on %s%s: loss %.4f, top-1 %.2f%%, top-5 %.2f%% (%d images)%n", net.name(), data,
        test.views() > 1 ? " (10 crops)" : "", e.loss(), 100 * e.top1(), 100 * e.top5(), e.count());
    if (e.confusion().length <= 20) {
      printConfusion(e.confusion());
    }
    return 0;
  }

  private TrainingData idx(SafeTensors checkpoint) throws IOException {
    ImageSet test = FashionMnist.test(data);
    String stats = checkpoint.metadata().get("normalization");
    Normalization norm = stats != null ? Normalization.decode(stats) : FashionMnist.train(data).statistics();
    return new Batcher(test, norm);
  }

  /** {@code DATA/val/<class>/*} with the training folder's statistics (the checkpoint names their file). */
  private TrainingData imageFolder(CompiledNetwork net, SafeTensors checkpoint) throws IOException {
    String recorded = checkpoint.metadata().get("statistics");
    Path statistics = recorded != null ? Path.of(recorded) : ColourStatistics.fileFor(data.resolve("train"));
    if (!Files.exists(statistics)) {
      throw new IllegalArgumentException("no mean image and colour statistics at " + statistics + "; train on " + data.resolve("train") + " first");
    }
    Augmentation augmentation = new Augmentation(ColourStatistics.read(statistics), Preprocessing.cropFor(net));
    return new ImageFolderData(ImageFolder.scan(data.resolve("val")), augmentation,
        tenCrop ? ImageFolderData.Mode.TEN_CROP : ImageFolderData.Mode.CENTER, Runtime.getRuntime().availableProcessors());
  }

  static void printConfusion(long[][] confusion) {
    StringBuilder b = new StringBuilder("confusion (rows: truth, columns: predicted)\n      ");
    for (int c = 0; c < confusion.length; c++) {
      b.append(String.format(Locale.ROOT, "%6d", c));
    }
    b.append('\n');
    for (int t = 0; t < confusion.length; t++) {
      b.append(String.format(Locale.ROOT, "%4d  ", t));
      for (int p = 0; p < confusion.length; p++) {
        b.append(String.format(Locale.ROOT, "%6d", confusion[t][p]));
      }
      if (confusion.length == FashionMnist.CLASSES.length) {
        b.append("  ").append(FashionMnist.CLASSES[t]);
      }
      b.append('\n');
    }
    System.out.print(b);
  }
}
