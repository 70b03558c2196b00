package dev.netforge.runtime.cli;

import dev.netforge.runtime.CompiledNetwork;
import dev.netforge.runtime.Engine;
import dev.netforge.runtime.data.Batcher;
import dev.netforge.runtime.data.FashionMnist;
import dev.netforge.runtime.data.ImageSet;
import dev.netforge.runtime.data.Normalization;
import dev.netforge.runtime.gemm.Sgemm;
import dev.netforge.runtime.train.EpochResult;
import dev.netforge.runtime.train.Trainer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "train", description = "Train a network on an MNIST-format set (default: MiniAlexNet on Fashion-MNIST).")
final class TrainCommand implements Callable<Integer> {
  @Option(names = "--model", defaultValue = "mini-alexnet", description = "Model name or generated class (default: ${DEFAULT-VALUE}).")
  String model;

  @Option(names = "--data", description = "Directory of the four IDX files (default: ${DEFAULT-VALUE}).")
  Path data = FashionMnist.DEFAULT_DIR;

  @Option(names = "--epochs", defaultValue = "8")
  int epochs;

  @Option(names = "--batch", defaultValue = "128")
  int batch;

  @Option(names = "--lr", defaultValue = "0.03", description = "Initial learning rate ε (default: ${DEFAULT-VALUE}).")
  double lr;

  @Option(names = "--schedule", defaultValue = "step:6,8:0.1",
      description = "constant | step:EPOCHS:FACTOR | plateau:PATIENCE[:MAX] (default: ${DEFAULT-VALUE}).")
  String schedule;

  @Option(names = "--momentum", defaultValue = "0.9")
  double momentum;

  @Option(names = "--weight-decay", defaultValue = "0.0005")
  double weightDecay;

  @Option(names = "--seed", defaultValue = "1")
  long seed;

  @Option(names = "--no-flip", description = "Turn off random horizontal flips of training images.")
  boolean noFlip;

  @Option(names = "--limit", description = "Train on the first N training images only (quick runs).")
  Integer limit;

  @Option(names = "--out", defaultValue = "runs/latest", description = "Run directory: checkpoint, metrics.csv, metrics.png.")
  Path out;

  @Option(names = "--resume", description = "Continue from this checkpoint.")
  Path resume;

  @Mixin
  Cli.Common common;

  @Override
  public Integer call() throws Exception {
    CompiledNetwork net = common.network(model);
    ImageSet train = FashionMnist.train(data);
    ImageSet test = FashionMnist.test(data);
    if (limit != null) {
      train = train.head(limit);
    }
    int[] in = net.inputShape();
    if (in[0] != train.channels() || in[1] != train.height() || in[2] != train.width()) {
      throw new IllegalArgumentException(net.name() + " takes " + in[0] + "×" + in[1] + "×" + in[2] + " inputs but " + data + " holds "
          + train.channels() + "×" + train.height() + "×" + train.width() + " images");
    }
    Normalization norm = train.statistics();
    Files.createDirectories(out);
    try (Engine engine = common.engine(net)) {
      train(engine, train, test, norm);
    }
    return 0;
  }

  private void train(Engine engine, ImageSet train, ImageSet test, Normalization norm) throws IOException {
    CompiledNetwork net = engine.network();
    System.out.printf(Locale.ROOT, "training %s (%,d parameters) on %s: %,d train / %,d test images, %d epochs, batch %d, lr %g (%s), seed %d; "
        + "%s, GEMM %s%n", net.name(), net.parameterCount(), data, train.count(), test.count(), epochs, batch, lr, schedule, seed,
        engine.describe(), Sgemm.kernel());
    Trainer.Config config = new Trainer.Config(epochs, batch, lr, momentum, weightDecay, schedule, seed, !noFlip,
        out.resolve("checkpoint.safetensors"), Map.of("normalization", norm.encode(), "data", data.toString()));
    long start = System.nanoTime();
    List<EpochResult> results = new Trainer(config).train(engine, new Batcher(train, norm), new Batcher(test, norm), resume,
        new TrainingReport(out, epochs));
    if (!results.isEmpty()) {
      EpochResult last = results.get(results.size() - 1);
      System.out.printf(Locale.ROOT, "done in %.1f s: test top-1 %.2f%%, top-5 %.2f%%; checkpoint %s, metrics %s%n", (System.nanoTime() - start) / 1e9,
          100 * last.test().top1(), 100 * last.test().top5(), config.checkpoint(), out.resolve("metrics.csv"));
    }
  }
}
