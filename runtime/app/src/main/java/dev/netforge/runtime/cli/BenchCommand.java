package dev.netforge.runtime.cli;

import dev.netforge.runtime.CompiledNetwork;
import dev.netforge.runtime.CpuEngine;
import dev.netforge.runtime.Engine;
import dev.netforge.runtime.Parallel;
import dev.netforge.runtime.Rng;
import dev.netforge.runtime.gemm.PeakFlops;
import dev.netforge.runtime.gemm.Sgemm;
import dev.netforge.runtime.train.Sgd;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "bench", description = "Forward and training-step throughput: images/s, GFLOP/s and the fraction of this machine's peak.")
final class BenchCommand implements Callable<Integer> {
  @Option(names = "--model", defaultValue = "mini-alexnet")
  String model;

  @Option(names = "--batch", defaultValue = "128")
  int batch;

  @Option(names = "--steps", defaultValue = "10", description = "Timed steps per measurement (after 2 warm-up steps).")
  int steps;

  @Option(names = "--peak-gflops", description = "This machine's peak FP32 GFLOP/s (default: measured with an FMA loop).")
  Double peak;

  @Mixin
  Cli.Common common;

  @Override
  public Integer call() {
    CompiledNetwork net = common.network(model);
    net.initialize(1);
    try (Engine engine = common.engine(net)) {
      bench(engine);
    }
    return 0;
  }

  private void bench(Engine engine) {
    CompiledNetwork net = engine.network();
    boolean cpu = engine instanceof CpuEngine;
    int threads = Parallel.shared().threads();
    // The FMA loop measures this CPU: it says nothing about a GPU's peak, which only --peak-gflops can give.
    double peakGflops = peak != null ? peak : cpu ? PeakFlops.measure(threads) : Double.NaN;
    Rng rng = new Rng(5);
    float[] x = new float[batch * net.inputSize()];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) rng.nextGaussian();
    }
    int[] labels = new int[batch];
    for (int i = 0; i < batch; i++) {
      labels[i] = rng.nextInt(net.outputSize());
    }
    double forwardFlops = 2.0 * macs(net) * batch;
    Sgd sgd = new Sgd(net.parameters(), 0.9, 5e-4);
    engine.fromHost(sgd);
    Timing fwd = time(() -> engine.forward(x, batch, false));
    // A training step as Trainer runs it: forward, fused loss + backward, SGD update (a tiny learning rate, so
    // the weights hardly move between timed steps).
    Timing train = time(() -> {
      engine.forward(x, batch, true);
      engine.backward(labels, null);
      engine.update(sgd, 1e-6);
    });
    String peakText = Double.isNaN(peakGflops)
        ? "peak unknown (pass --peak-gflops)"
        : String.format(Locale.ROOT, "peak %.1f GFLOP/s (%s)", peakGflops, peak != null ? "given" : "measured");
    System.out.printf(Locale.ROOT, "%s, batch %d, %s, %s, %s%n", net.name(), batch, engine.describe(),
        cpu ? "GEMM " + Sgemm.kernel() : "generated CUDA kernels", peakText);
    System.out.println("buffers planned: " + net.buffers().describe(batch));
    report("forward", fwd, forwardFlops, peakGflops);
    // A training step is the forward pass plus a backward pass of about twice its work (the update's few FLOPs per
    // weight are not counted).
    report("train step (fwd+bwd)", train, 3 * forwardFlops, peakGflops);
  }

  private void report(String what, Timing timing, double flops, double peakGflops) {
    double[] seconds = timing.seconds();
    double median = seconds[seconds.length / 2];
    double gflops = flops / median / 1e9;
    System.out.printf(Locale.ROOT, "%-22s median %.4f s/step (min %.4f, max %.4f over %d): %.1f img/s, %.1f GFLOP/s%s, %s%n", what, median,
        seconds[0], seconds[seconds.length - 1], seconds.length, batch / median, gflops,
        Double.isNaN(peakGflops) ? "" : String.format(Locale.ROOT, ", %.1f%% of peak", 100 * gflops / peakGflops),
        timing.bytesPerStep() < 0
            ? "allocation not measured"
            : String.format(Locale.ROOT, "%.1f kB allocated/step", timing.bytesPerStep() / 1e3));
    if (gflops > peakGflops) {
      // Seen under a profiler: the FMA loop ran uncompiled or lost its core, and the "peak" came out low.
      System.out.printf(Locale.ROOT, "warning: %.1f GFLOP/s is above the peak of %.1f, so that peak is wrong; pass --peak-gflops%n", gflops, peakGflops);
    }
  }

  /** Sorted step times and the heap bytes all threads allocated per timed step. */
  private record Timing(double[] seconds, double bytesPerStep) {}

  private Timing time(Runnable r) {
    r.run();
    r.run();
    AllocationMeter meter = new AllocationMeter();
    long allocatedBefore = meter.allocatedBytes();
    double[] t = new double[steps];
    for (int i = 0; i < steps; i++) {
      long s = System.nanoTime();
      r.run();
      t[i] = (System.nanoTime() - s) / 1e9;
    }
    long allocatedAfter = meter.allocatedBytes();
    Arrays.sort(t);
    return new Timing(t, allocatedBefore < 0 ? -1 : (allocatedAfter - allocatedBefore) / (double) steps);
  }

  private static long macs(CompiledNetwork net) {
    try {
      return net.getClass().getField("MULTIPLY_ADDS").getLong(null);
    } catch (ReflectiveOperationException e) {
      throw new IllegalArgumentException(net.getClass().getName() + " has no MULTIPLY_ADDS constant; regenerate it with this netforge", e);
    }
  }
}
