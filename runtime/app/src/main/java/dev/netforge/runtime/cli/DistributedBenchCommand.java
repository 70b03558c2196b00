package dev.netforge.runtime.cli;

import dev.netforge.runtime.CompiledNetwork;
import dev.netforge.runtime.Parameter;
import dev.netforge.runtime.Rng;
import dev.netforge.runtime.distributed.Communicator;
import dev.netforge.runtime.distributed.Gradients;
import dev.netforge.runtime.distributed.OverlappedGradientSum;
import dev.netforge.runtime.train.Sgd;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * What data parallelism costs on these ranks: the all-reduce of each network's gradients (blocking, one per
 * parameter; and all started at once, then awaited) and a training step of the rank's share of a global batch without
 * it, with it after the backward pass, and with it overlapping the backward pass (as training runs it); the variants
 * take turns. Meant to run under mpirun; rank 0 reports. The figures feed docs/scaling.md's model.
 */
@Command(name = "bench-distributed", description = "Time the gradient all-reduce and the data-parallel step of networks (run under mpirun).")
final class DistributedBenchCommand implements Callable<Integer> {
  @Option(names = "--model", split = ",", defaultValue = "mini-alexnet,alexnet-torchvision,alexnet2012",
      description = "Models, comma-separated (default: ${DEFAULT-VALUE}).")
  List<String> models;

  @Option(names = "--batch", defaultValue = "128", description = "Global batch of the timed steps (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--steps", defaultValue = "3", description = "Timed training steps per network after one warm-up; 0: all-reduce only.")
  int steps;

  @Option(names = "--repeats", defaultValue = "5", description = "Timed all-reduces per network after one warm-up (default: ${DEFAULT-VALUE}).")
  int repeats;

  @Option(names = "--distributed", defaultValue = "auto", description = Distributed.OPTION_HELP)
  String distributed;

  @Mixin
  Cli.Common common;

  @Override
  public Integer call() throws Exception {
    OptionChecks.atLeast("--batch", batch, 1);
    OptionChecks.atLeast("--steps", steps, 0);
    OptionChecks.atLeast("--repeats", repeats, 1);
    return Distributed.run(distributed, common, processes -> {
      for (String model : models) {
        bench(processes, common.network(model));
      }
    });
  }

  private void bench(Communicator processes, CompiledNetwork net) {
    int ranks = processes.size();
    net.initialize(1);
    List<Parameter> parameters = net.parameters();
    for (Parameter p : parameters) {
      Arrays.fill(p.grad, 1e-3f);
    }
    double bytes = 4.0 * net.parameterCount();
    double[] sums = medians(processes, repeats, () -> Gradients.sum(processes, parameters), () -> Gradients.sumStarted(processes, parameters));
    double blocking = sums[0];
    double started = sums[1];
    say(processes, String.format(Locale.ROOT, "%s: %,d parameters, %.1f MB of gradients, %d ranks (%s): all-reduce median %.4f s blocking per "
        + "parameter (%.2f GB/s bus bandwidth, 2(P-1)/P·bytes/time), %.4f s all started then awaited", net.name(), net.parameterCount(), bytes / 1e6,
        ranks, processes, blocking, busBandwidth(bytes, ranks, blocking), started));
    if (steps == 0) {
      return;
    }
    int share = (int) ((long) batch * (processes.rank() + 1) / ranks - (long) batch * processes.rank() / ranks);
    Rng rng = new Rng(processes.rank() + 1);
    float[] x = rng.gaussians(share * net.inputSize(), 1);
    int[] labels = new int[share];
    for (int i = 0; i < share; i++) {
      labels[i] = rng.nextInt(net.outputSize());
    }
    Sgd sgd = new Sgd(parameters, 0.9, 5e-4);
    net.shareOfBatch((long) batch * processes.rank() / ranks, batch);
    Runnable compute = () -> {
      net.forward(x, share, true);
      net.backward(labels, null);
    };
    double[] step = medians(processes, steps, () -> {
      compute.run();
      sgd.step(parameters, 1e-6);
    }, () -> {
      compute.run();
      Gradients.sum(processes, parameters);
      sgd.step(parameters, 1e-6);
    }, () -> {
      // A communication thread per step (training keeps one): its start is some 0.1 ms.
      try (OverlappedGradientSum sum = new OverlappedGradientSum(processes, net)) {
        compute.run();
        sum.await();
      }
      sgd.step(parameters, 1e-6);
    });
    double alone = step[0];
    double summed = step[1];
    double overlapped = step[2];
    net.shareOfBatch(0, 0);
    say(processes, String.format(Locale.ROOT, "%s: step of global batch %d (%d on rank 0): median %.3f s without the all-reduce, %.3f s with it "
        + "after the backward pass (%.0f%% communication), %.3f s with it overlapping the backward pass", net.name(), batch, batch / ranks, alone,
        summed, 100 * (summed - alone) / summed, overlapped));
  }

  /** 2(P−1)/P · bytes / seconds: what each rank's link carries in a ring all-reduce, per second, in GB/s. */
  static double busBandwidth(double bytes, int ranks, double seconds) {
    return 2.0 * (ranks - 1) / ranks * bytes / seconds / 1e9;
  }

  /**
   * Each of {@code runs}' median of {@code times} timed runs after one warm-up, each started together on every rank; the
   * runs take turns, so that a load that comes and goes weighs on each alike.
   */
  private static double[] medians(Communicator processes, int times, Runnable... runs) {
    double[][] t = new double[runs.length][times];
    for (Runnable r : runs) {
      r.run();
    }
    for (int i = 0; i < times; i++) {
      for (int k = 0; k < runs.length; k++) {
        processes.barrier();
        long s = System.nanoTime();
        runs[k].run();
        t[k][i] = (System.nanoTime() - s) / 1e9;
      }
    }
    double[] medians = new double[runs.length];
    for (int k = 0; k < runs.length; k++) {
      Arrays.sort(t[k]);
      medians[k] = t[k][times / 2];
    }
    return medians;
  }

  private static void say(Communicator processes, String line) {
    if (processes.rank() == 0) {
      System.out.println(line);
    }
  }
}
