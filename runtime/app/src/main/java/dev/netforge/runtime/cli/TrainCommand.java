package dev.netforge.runtime.cli;

import dev.netforge.runtime.CompiledNetwork;
import dev.netforge.runtime.CpuEngine;
import dev.netforge.runtime.Engine;
import dev.netforge.runtime.data.Batcher;
import dev.netforge.runtime.data.FashionMnist;
import dev.netforge.runtime.data.ImageSet;
import dev.netforge.runtime.data.Normalization;
import dev.netforge.runtime.data.TrainingData;
import dev.netforge.runtime.gemm.Sgemm;
import dev.netforge.runtime.images.Augmentation;
import dev.netforge.runtime.images.ColourStatistics;
import dev.netforge.runtime.images.ImageFolder;
import dev.netforge.runtime.images.ImageFolderData;
import dev.netforge.runtime.images.Preprocessing;
import dev.netforge.runtime.distributed.Communicator;
import dev.netforge.runtime.train.EpochResult;
import dev.netforge.runtime.train.LearningRateSchedule;
import dev.netforge.runtime.train.Trainer;
import dev.netforge.runtime.train.TrainingListener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "train", description = "Train a network on an MNIST-format set or folder-per-class images (default: MiniAlexNet on "
    + "Fashion-MNIST).")
final class TrainCommand implements Callable<Integer> {
  @Option(names = "--model", defaultValue = "mini-alexnet", description = "Model name or generated class (default: ${DEFAULT-VALUE}).")
  String model;

  @Option(names = "--data", description = "Directory of the four IDX files, or of train/ and val/ image folders (root/<class>/*.jpg) "
      + "(default: ${DEFAULT-VALUE}).")
  Path data = FashionMnist.DEFAULT_DIR;

  @Option(names = "--epochs", defaultValue = "5", description = "Epochs (default: ${DEFAULT-VALUE}).")
  int epochs;

  @Option(names = "--batch", defaultValue = "64", description = "Global batch (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--lr", defaultValue = "0.05", description = "Initial (cosine: peak) learning rate ε (default: ${DEFAULT-VALUE}).")
  double lr;

  @Option(names = "--schedule", defaultValue = "cosine:0.3",
      description = "constant | step:EPOCHS:FACTOR | plateau:PATIENCE[:MAX] | cosine:WARMUP_EPOCHS (default: ${DEFAULT-VALUE}).")
  String schedule;

  @Option(names = "--momentum", defaultValue = "0.9", description = "Momentum μ of SGD (default: ${DEFAULT-VALUE}).")
  double momentum;

  @Option(names = "--weight-decay", defaultValue = "0.0005", description = "Weight decay λ (default: ${DEFAULT-VALUE}).")
  double weightDecay;

  @Option(names = "--seed", defaultValue = "1",
      description = "Seed of the initial weights, the shuffling, the augmentation and the dropout masks (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--no-flip", description = "Turn off random horizontal flips of training images.")
  boolean noFlip;

  @Option(names = "--limit", description = "Train on the first N training images only (quick runs).")
  Integer limit;

  @Option(names = "--out", defaultValue = "runs/latest",
      description = "Run directory: checkpoint, metrics.csv, metrics.png (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--resume", description = "Continue from this checkpoint.")
  Path resume;

  @Mixin
  Cli.Common common;

  @Option(names = "--ten-crop", description = "Image folders: test each epoch on 10 crops per image (default: the central crop).")
  boolean tenCrop;

  @Option(names = "--distributed", defaultValue = "auto", description = Distributed.OPTION_HELP)
  String distributed;

  @Option(names = "--loader-threads", description = "Image folders: threads decoding and augmenting ahead of training (default: one per core).")
  Integer loaderThreads;

  /** The training and test sets, and what the checkpoint records about them. */
  private record Sets(TrainingData train, TrainingData test, Map<String, String> metadata) {}

  @Override
  public Integer call() throws Exception {
    OptionChecks.atLeast("--epochs", epochs, 1);
    OptionChecks.atLeast("--batch", batch, 1);
    OptionChecks.within("--lr", lr, 0, Double.POSITIVE_INFINITY);
    OptionChecks.within("--momentum", momentum, 0, 1);
    OptionChecks.within("--weight-decay", weightDecay, 0, Double.POSITIVE_INFINITY);
    OptionChecks.atLeast("--limit", limit, 1);
    OptionChecks.atLeast("--loader-threads", loaderThreads, 1);
    return Distributed.run(distributed, common, processes -> {
      CompiledNetwork net = common.network(model);
      Sets sets = Files.isDirectory(data.resolve("train")) ? imageFolders(net) : idx(net);
      makeRunDirectory();
      try (Engine engine = common.engine(net)) {
        train(engine, sets, processes);
      }
    });
  }

  /**
   * Makes {@code --out} before any training (after the data are read, so that a wrong {@code --data} leaves no empty run
   * directory behind). Where it cannot be made, says which existing part of its path is in the way: the file system's
   * own message names the directory that was to be made ("runs/latest: Not a directory" where {@code runs} is a file).
   */
  private void makeRunDirectory() throws IOException {
    try {
      Files.createDirectories(out);
    } catch (IOException e) {
      Path existing = out.toAbsolutePath();
      while (existing != null && !Files.exists(existing)) {
        existing = existing.getParent();
      }
      String why = existing != null && !Files.isDirectory(existing) ? existing + " is a file, not a directory"
          : existing != null && !Files.isWritable(existing) ? existing + " is not writable"
          : ErrorMessage.of(e);
      throw new IOException("--out " + out + ": cannot make the run directory: " + why, e);
    }
  }

  /** An MNIST-format set: four IDX files, per-channel normalization from the training images. */
  private Sets idx(CompiledNetwork net) throws IOException {
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
    return new Sets(new Batcher(train, norm), new Batcher(test, norm), Map.of("normalization", norm.encode(), "data", data.toString()));
  }

  /**
   * The paper's pipeline on {@code DATA/train/<class>/*} and {@code DATA/val/<class>/*}: the mean image and colour
   * components of the training folder (computed once, kept beside it), random crops of the network's input size,
   * flips and colour noise for training; the central crop or 10 crops for testing.
   */
  private Sets imageFolders(CompiledNetwork net) throws IOException {
    int crop = Preprocessing.cropFor(net);
    ImageFolder trainFolder = ImageFolder.scan(data.resolve("train"));
    ImageFolder valFolder = ImageFolder.scan(data.resolve("val"));
    if (trainFolder.classes().size() != net.outputSize()) {
      throw new IllegalArgumentException(data.resolve("train") + " has " + trainFolder.classes().size() + " class folders but " + net.name()
          + " has " + net.outputSize() + " outputs");
    }
    int threads = loaderThreads != null ? loaderThreads : Runtime.getRuntime().availableProcessors();
    if (!Files.exists(ColourStatistics.fileFor(trainFolder))) {
      System.out.printf(Locale.ROOT, "computing the mean image and RGB principal components of %,d training images (once; kept in %s)%n",
          trainFolder.count(), ColourStatistics.fileFor(trainFolder));
    }
    ColourStatistics statistics = ColourStatistics.ofFolder(trainFolder, threads);
    Augmentation augmentation = new Augmentation(statistics, crop);
    return new Sets(
        new ImageFolderData(trainFolder, augmentation, ImageFolderData.Mode.TRAIN, threads),
        new ImageFolderData(valFolder, augmentation, tenCrop ? ImageFolderData.Mode.TEN_CROP : ImageFolderData.Mode.CENTER, threads),
        Map.of("statistics", ColourStatistics.fileFor(trainFolder).toString(), "data", data.toString()));
  }

  /** Trains; rank 0 alone prints, and its listener writes the metrics and the plot. */
  private void train(Engine engine, Sets sets, Communicator processes) throws IOException {
    CompiledNetwork net = engine.network();
    boolean speaks = processes.rank() == 0;
    if (speaks) {
      System.out.printf(Locale.ROOT, "training %s (%,d parameters) on %s: %,d train / %,d test images, %d epochs, batch %d, lr %g (%s), seed %d; "
          + "%s%s, GEMM %s%n", net.name(), net.parameterCount(), data, sets.train().count(), sets.test().count(), epochs, batch, lr, schedule, seed,
          Distributed.describe(processes), engine.describe(), Sgemm.kernel());
      List<Integer> past = LearningRateSchedule.parse(schedule, lr, epochs, 1).stepsPast(epochs);
      if (!past.isEmpty()) {
        String which = past.stream().map(String::valueOf).collect(Collectors.joining(" and "));
        boolean one = past.size() == 1;
        System.out.printf(Locale.ROOT, "note: --schedule %s drops the rate at the start of %s %s, past this run's %d epochs; only a run"
            + " resumed from its checkpoint with --epochs that far makes %s%n", schedule, one ? "epoch" : "epochs", which, epochs, one ? "it" : "them");
      }
    }
    Trainer.Config config = new Trainer.Config(epochs, batch, lr, momentum, weightDecay, schedule, seed, !noFlip,
        out.resolve("checkpoint.safetensors"), sets.metadata());
    long start = System.nanoTime();
    TrainingListener listener = speaks ? new TrainingReport(out, epochs, resume != null, engine instanceof CpuEngine) : new TrainingListener() {};
    List<EpochResult> results = new Trainer(config, processes).train(engine, sets.train(), sets.test(), resume, listener);
    if (!speaks) {
      return;
    }
    for (TrainingData set : List.of(sets.train(), sets.test())) {
      if (set instanceof ImageFolderData images && images.skipped() > 0) {
        System.out.printf(Locale.ROOT, "%s: %,d files could not be decoded and were left out, first: %s%n", images.folder().root(), images.skipped(),
            String.join("; ", images.failures()));
      }
    }
    if (!results.isEmpty()) {
      EpochResult last = results.get(results.size() - 1);
      System.out.printf(Locale.ROOT, "done in %.1f s: test top-1 %.2f%%, top-5 %.2f%%; checkpoint %s, metrics %s%n", (System.nanoTime() - start) / 1e9,
          100 * last.test().top1(), 100 * last.test().top5(), config.checkpoint(), out.resolve("metrics.csv"));
    }
  }
}
