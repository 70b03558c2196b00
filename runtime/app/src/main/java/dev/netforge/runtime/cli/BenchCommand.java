package dev.netforge.runtime.cli;

import dev.netforge.runtime.CompiledNetwork;
import dev.netforge.runtime.CpuEngine;
import dev.netforge.runtime.Engine;
import dev.netforge.runtime.Parallel;
import dev.netforge.runtime.Rng;
import dev.netforge.runtime.StageProfile;
import dev.netforge.runtime.data.Batcher;
import dev.netforge.runtime.data.EpochRandom;
import dev.netforge.runtime.data.FashionMnist;
import dev.netforge.runtime.data.ImageSet;
import dev.netforge.runtime.gemm.PeakFlops;
import dev.netforge.runtime.gemm.Sgemm;
import dev.netforge.runtime.io.SafeTensors;
import dev.netforge.runtime.train.Checkpoint;
import dev.netforge.runtime.train.Sgd;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "bench", description = "Forward and training-step throughput: images/s, GFLOP/s and the fraction of this machine's peak.")
final class BenchCommand implements Callable<Integer> {
  /**
   * Untimed steps before each measurement: at least {@value #WARM_UP} and at least {@link #WARM_UP_NANOS}, so that C2
   * has compiled a small network's kernels too (MiniAlexNet's forward, two warm-up steps of 0.1 s, was still running
   * boxed vectors in its five timed steps: 16 MB allocated per step), and then on while a step still allocates like
   * boxed vectors, up to {@link #WARM_UP_LIMIT_NANOS}: 3 s were not always enough (MiniAlexNet's forward measurement
   * boxed in 3 of 9 JVMs in session 26, 8 to 52 MB per step).
   */
  private static final int WARM_UP = 2;
  private static final long WARM_UP_NANOS = 3_000_000_000L;
  /** The longest warm-up: past it the steps are timed anyway, and the allocation warning says what they measured. */
  private static final long WARM_UP_LIMIT_NANOS = 30_000_000_000L;
  /** How far below the fastest worker the slowest may run in the peak measurement before bench says so. */
  private static final double UNEVEN_WORKERS = 0.05;

  @Option(names = "--model", defaultValue = "mini-alexnet", description = "Model name or generated class (default: ${DEFAULT-VALUE}).")
  String model;

  @Option(names = "--batch", defaultValue = "128", description = "Images a step (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--steps", defaultValue = "10", description = "Timed steps per measurement (after at least 2 warm-up steps and 3 s of them).")
  int steps;

  @Option(names = "--peak-gflops", description = "This machine's peak FP32 GFLOP/s (default: measured with an FMA loop).")
  Double peak;

  @Option(names = "--data", description = "Directory of an MNIST-format set's IDX files: time on its training images, normalized, shuffled and "
      + "flipped as training does, a new batch each step (default: Gaussian random inputs, one batch for every step).")
  Path data;

  @Option(names = "--weights", description = "A checkpoint or weights file to start from, its momentum too where it holds one "
      + "(default: the network's random initialization, seed 1).")
  Path weights;

  @Option(names = "--lr", defaultValue = "1e-6", description = "Learning rate of the timed steps' updates (default: ${DEFAULT-VALUE}, so that the "
      + "weights hardly move; a training rate such as 0.03 moves them as training does).")
  double lr;

  @Option(names = "--stages", description = "Then time each stage of the CPU engine's training step over --steps more steps and print where "
      + "the step goes: a stage's forward and backward milliseconds as a tower's thread runs them (the mean over the towers).")
  boolean stages;

  @Mixin
  Cli.Common common;

  @Override
  public Integer call() throws IOException {
    OptionChecks.atLeast("--batch", batch, 1);
    OptionChecks.atLeast("--steps", steps, 1);
    OptionChecks.within("--lr", lr, 0, Double.POSITIVE_INFINITY);
    OptionChecks.above("--peak-gflops", peak, 0);
    CompiledNetwork net = common.network(model);
    SafeTensors start = weights != null ? Checkpoint.loadWeights(weights, net) : null;
    if (start == null) {
      net.initialize(1);
    }
    Sgd sgd = new Sgd(net.parameters(), 0.9, 5e-4);
    boolean momentum = start != null && start.has(Checkpoint.MOMENTUM + net.parameters().get(0).name());
    if (momentum) {
      Checkpoint.loadMomentum(start, net, sgd);
    }
    String startedFrom = start == null ? "random initialization (seed 1)" : weights + (momentum ? " with its momentum" : ", momentum 0");
    Inputs inputs = data != null ? realInputs(net) : randomInputs(net);
    try (Engine engine = common.engine(net)) {
      bench(engine, sgd, inputs, startedFrom);
    }
    return 0;
  }

  /** The batches the timed steps cycle through: images and labels, {@code batch} of each per entry. */
  private record Inputs(String description, float[][] x, int[][] labels) {}

  private Inputs randomInputs(CompiledNetwork net) {
    Rng rng = new Rng(5);
    float[] x = rng.gaussians(batch * net.inputSize(), 1);
    int[] labels = new int[batch];
    for (int i = 0; i < batch; i++) {
      labels[i] = rng.nextInt(net.outputSize());
    }
    return new Inputs("Gaussian random inputs", new float[][] {x}, new int[][] {labels});
  }

  /**
   * As many batches of the training set as {@value #WARM_UP} warm-up and the timed steps take (filled before timing,
   * so that the steps time the engine alone; a longer warm-up goes round them again), as the first epoch of a run
   * with data seed 1 shuffles and flips them.
   */
  private Inputs realInputs(CompiledNetwork net) throws IOException {
    ImageSet set = FashionMnist.train(data);
    int[] in = net.inputShape();
    if (in[0] != set.channels() || in[1] != set.height() || in[2] != set.width()) {
      throw new IllegalArgumentException(net.name() + " takes " + in[0] + "×" + in[1] + "×" + in[2] + " inputs but " + data + " holds "
          + set.channels() + "×" + set.height() + "×" + set.width() + " images");
    }
    int count = Math.min(WARM_UP + steps, set.count() / batch);
    Batcher batcher = new Batcher(set, set.statistics());
    EpochRandom random = new EpochRandom(1, 1);
    int[] order = random.order(set.count());
    float[][] x = new float[count][batch * net.inputSize()];
    int[][] labels = new int[count][batch];
    for (int b = 0; b < count; b++) {
      batcher.fill(order, b * batch, batch, x[b], labels[b], random);
    }
    return new Inputs(String.format(Locale.ROOT, "%d training batches of %s", count, data), x, labels);
  }

  private void bench(Engine engine, Sgd sgd, Inputs inputs, String startedFrom) {
    CompiledNetwork net = engine.network();
    boolean cpu = engine instanceof CpuEngine;
    int threads = Parallel.shared().threads();
    // The FMA loop measures this CPU: it says nothing about a GPU's peak, which only --peak-gflops can give.
    boolean measurePeak = peak == null && cpu;
    PeakFlops.Peak peakBefore = measurePeak ? PeakFlops.measure(threads) : null;
    double forwardFlops = 2.0 * macs(net) * batch;
    engine.fromHost(sgd);
    int[] next = {0};
    Timing fwd = time(() -> engine.forward(inputs.x()[next[0]++ % inputs.x().length], batch, false));
    next[0] = 0;
    // A training step as Trainer runs it: forward, fused loss + backward, SGD update at --lr.
    Runnable trainStep = () -> {
      int b = next[0]++ % inputs.x().length;
      engine.forward(inputs.x()[b], batch, true);
      engine.backward(inputs.labels()[b], null);
      engine.update(sgd, lr);
    };
    Timing train = time(trainStep);
    // Measured again after the steps, and the better of the two kept: on a shared host one measurement can land in a
    // slow minute (one read 234 GFLOP/s against 403–423 in the same hour), and a peak read low makes every
    // fraction of it look better than it is.
    PeakFlops.Peak measured = null;
    if (measurePeak) {
      PeakFlops.Peak after = PeakFlops.measure(threads);
      measured = after.gflops() > peakBefore.gflops() ? after : peakBefore;
    }
    double peakGflops = measured != null ? measured.gflops() : peak != null ? peak : Double.NaN;
    String peakText = Double.isNaN(peakGflops)
        ? "peak unknown (pass --peak-gflops)"
        : measurePeak
            ? String.format(Locale.ROOT, "peak %.1f GFLOP/s (measured before and after the steps, the better kept; before: %.1f; the kept one's workers: %s)",
                peakGflops, peakBefore.gflops(), joined(measured.workerGflops(), "%.1f", ", "))
            : String.format(Locale.ROOT, "peak %.1f GFLOP/s (given)", peakGflops);
    System.out.printf(Locale.ROOT, "%s, batch %d, %s, %s, %s%n", net.name(), batch, engine.describe(),
        cpu ? "GEMM " + Sgemm.kernel() : "generated CUDA kernels", peakText);
    if (measured != null && measured.spread() > UNEVEN_WORKERS) {
      // Seen on this project's 2-core build machine: in some minutes the host runs one vCPU about a tenth slower, and
      // a tower on it (or a loop split evenly) keeps the other thread waiting.
      System.out.printf(Locale.ROOT, "note: the slowest worker's FMA loop ran %.0f%% below the fastest's: the host is slowing a core, and whatever is split "
          + "evenly over the workers (a network's towers: the towers' column of --stages) waits for it%n", 100 * measured.spread());
    }
    System.out.printf(Locale.ROOT, "inputs: %s; weights: %s; update learning rate %g%n", inputs.description(), startedFrom, lr);
    System.out.println("buffers planned: " + net.buffers().describe(batch));
    report("forward", fwd, forwardFlops, peakGflops);
    // A training step is the forward pass plus a backward pass of about twice its work (the update's few FLOPs per
    // weight are not counted).
    report("train step (fwd+bwd)", train, 3 * forwardFlops, peakGflops);
    if (stages) {
      if (cpu) {
        reportStages(net, trainStep, peakGflops);
      } else {
        System.out.println("--stages times the CPU engine's stages; the CUDA engine's kernels are not timed one by one");
      }
    }
  }

  /**
   * Runs {@link #steps} more training steps with every stage timed ({@link CompiledNetwork#profileStages}) and prints
   * each stage's share of them and its rate as a fraction of the peak (nominal multiply-adds, as the step's figure
   * counts them): apart from the timing, the steps {@link #bench} measured.
   */
  private void reportStages(CompiledNetwork net, Runnable trainStep, double peakGflops) {
    StageProfile profile = net.profileStages();
    long nanos = 0;
    try {
      for (int i = 0; i < steps; i++) {
        long start = System.nanoTime();
        trainStep.run();
        nanos += System.nanoTime() - start;
      }
    } finally {
      profile.stop();
    }
    if (profile.rows().isEmpty()) {
      System.out.println("stages: " + net.name() + " names none to time");
      return;
    }
    double step = nanos / 1e6 / steps;
    System.out.printf(Locale.ROOT, "where the training step goes (%d more steps, %.1f ms each on average; a stage's time is the mean over its "
        + "towers, as a tower's thread runs it):%n", steps, step);
    System.out.printf(Locale.ROOT, "  %-16s %11s %8s %12s %8s %7s  %s%n", "stage", "forward ms", "of peak", "backward ms", "of peak", "share",
        "towers' ms (fwd+bwd)");
    double inStages = 0;
    for (StageProfile.Row row : profile.rows()) {
      double forward = row.forwardMillis();
      double backward = row.backwardMillis();
      inStages += forward + backward;
      System.out.printf(Locale.ROOT, "  %-16s %11.2f %8s %12.2f %8s %6.1f%%  %s%n", row.name(), forward, ofPeak(row.multiplyAdds(), forward, peakGflops),
          backward, ofPeak(row.backwardMultiplyAdds(), backward, peakGflops), 100 * (forward + backward) / step, towers(row));
    }
    System.out.printf(Locale.ROOT, "  outside the stages (loss, towers waiting for each other, their gradient sums, dropout masks, update): "
        + "%.2f ms (%.1f%%)%n", step - inStages, 100 * (step - inStages) / step);
  }

  /** Each tower's milliseconds of a stage with several, "/" between them; blank for a stage all threads run as one. */
  private static String towers(StageProfile.Row row) {
    double[] millis = row.objectMillis();
    if (millis.length < 2) {
      return "";
    }
    return joined(millis, "%.2f", " / ");
  }

  /** Each value in {@code format}, {@code separator} between them. */
  private static String joined(double[] values, String format, String separator) {
    return Arrays.stream(values).mapToObj(v -> String.format(Locale.ROOT, format, v)).collect(Collectors.joining(separator));
  }

  /**
   * {@code multiplyAdds} per example over the batch in {@code millis}, as a percentage of the peak; blank where there
   * are none or no peak. A tower's share of the work on its share of the threads is the same fraction as the whole.
   */
  private String ofPeak(long multiplyAdds, double millis, double peakGflops) {
    if (multiplyAdds == 0 || millis == 0 || Double.isNaN(peakGflops)) {
      return "";
    }
    return String.format(Locale.ROOT, "%.1f%%", 100 * 2.0 * multiplyAdds * batch / (millis * 1e6) / peakGflops);
  }

  private void report(String what, Timing timing, double flops, double peakGflops) {
    double[] seconds = timing.seconds();
    double median = seconds[seconds.length / 2];
    double gflops = flops / median / 1e9;
    System.out.printf(Locale.ROOT, "%-22s median %.4f s/step (min %.4f, max %.4f over %d): %.1f img/s, %.1f GFLOP/s%s, %s, %s%n", what, median,
        seconds[0], seconds[seconds.length - 1], seconds.length, batch / median, gflops,
        Double.isNaN(peakGflops) ? "" : String.format(Locale.ROOT, ", %.1f%% of peak", 100 * gflops / peakGflops),
        timing.bytesPerStep() < 0
            ? "allocation not measured"
            : String.format(Locale.ROOT, "%.1f kB allocated/step", timing.bytesPerStep() / 1e3),
        timing.cpuSecondsPerStep() < 0
            ? "CPU time not measured"
            : String.format(Locale.ROOT, "%.4f CPU s/step (all threads)", timing.cpuSecondsPerStep()));
    if (timing.bytesPerStep() > AllocationMeter.BOXED_BYTES_PER_STEP) {
      System.out.printf(Locale.ROOT, "warning: %s: %.1f MB allocated per step: Vector API code ran boxed in this JVM (not compiled yet, or "
          + "compiled without its intrinsics), so these figures are not this code's speed; run again, or with more --steps%s%n", what,
          timing.bytesPerStep() / 1e6, TrapLimit.advice());
    }
    if (gflops > peakGflops) {
      // Seen under a profiler: the FMA loop ran uncompiled or lost its core, and the "peak" came out low.
      System.out.printf(Locale.ROOT, "warning: %.1f GFLOP/s is above the peak of %.1f, so that peak is wrong; pass --peak-gflops%n", gflops, peakGflops);
    }
  }

  /** Sorted step times, and the heap bytes all threads allocated and the CPU seconds they used per timed step. */
  private record Timing(double[] seconds, double bytesPerStep, double cpuSecondsPerStep) {}

  private Timing time(Runnable r) {
    AllocationMeter meter = new AllocationMeter();
    long warmUpStart = System.nanoTime();
    boolean boxed = false;
    for (int i = 0; i < WARM_UP || elapsedSince(warmUpStart) < WARM_UP_NANOS || boxed && elapsedSince(warmUpStart) < WARM_UP_LIMIT_NANOS; i++) {
      long before = meter.allocatedBytes();
      r.run();
      boxed = before >= 0 && meter.allocatedBytes() - before > AllocationMeter.BOXED_BYTES_PER_STEP;
    }
    CpuTimeMeter cpu = new CpuTimeMeter();
    long allocatedBefore = meter.allocatedBytes();
    long cpuBefore = cpu.cpuNanos();
    double[] t = new double[steps];
    for (int i = 0; i < steps; i++) {
      long s = System.nanoTime();
      r.run();
      t[i] = (System.nanoTime() - s) / 1e9;
    }
    long allocatedAfter = meter.allocatedBytes();
    long cpuAfter = cpu.cpuNanos();
    Arrays.sort(t);
    return new Timing(t, allocatedBefore < 0 ? -1 : (allocatedAfter - allocatedBefore) / (double) steps,
        cpuBefore < 0 ? -1 : (cpuAfter - cpuBefore) / 1e9 / steps);
  }

  private static long elapsedSince(long start) {
    return System.nanoTime() - start;
  }

  private static long macs(CompiledNetwork net) {
    try {
      return net.getClass().getField("MULTIPLY_ADDS").getLong(null);
    } catch (ReflectiveOperationException e) {
      throw new IllegalArgumentException(net.getClass().getName() + " has no MULTIPLY_ADDS constant; regenerate it with this netforge", e);
    }
  }
}
