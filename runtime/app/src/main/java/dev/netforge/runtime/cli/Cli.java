package dev.netforge.runtime.cli;

import dev.netforge.runtime.BufferPlan;
import dev.netforge.runtime.CompiledNetwork;
import dev.netforge.runtime.CpuEngine;
import dev.netforge.runtime.Engine;
import dev.netforge.runtime.Parallel;
import dev.netforge.runtime.cuda.CudaEngine;
import dev.netforge.runtime.cuda.Device;
import dev.netforge.runtime.cuda.Devices;
import dev.netforge.runtime.cuda.LocalRanks;
import dev.netforge.runtime.train.Checkpoint;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The netforge command line: {@code summary}, {@code forward}, {@code gradients}, {@code train}, {@code eval},
 * {@code predict}, {@code bench}, {@code export}. A project registers its networks' short names and calls {@link #run}.
 */
@Command(
    name = "netforge",
    // Inherited: every command takes --help (and --version), not only netforge itself.
    mixinStandardHelpOptions = true,
    scope = CommandLine.ScopeType.INHERIT,
    version = "netforge 0.1.0",
    description = "Train and run networks declared with netforge annotations.",
    subcommands = {
      SummaryCommand.class,
      ForwardCommand.class,
      GradientsCommand.class,
      TrainCommand.class,
      EvalCommand.class,
      PredictCommand.class,
      BenchCommand.class,
      DistributedBenchCommand.class,
      ExportCommand.class
    })
public final class Cli {
  static Models models = new Models(Map.of());

  /** Options every command shares. */
  static final class Common {
    @Option(names = "--threads", description = "Worker threads (default: one per core).")
    Integer threads;

    @Option(names = "--device", defaultValue = "cpu",
        description = "cpu; cuda (GPUs through JCuda); auto (GPUs when usable, else cpu); emulated (the CUDA engine's own kernels "
            + "compiled for the host: for checking it without a GPU, slow). Default: ${DEFAULT-VALUE}.")
    String device;

    @Option(names = "--gpus", defaultValue = "0",
        description = "GPUs (or emulated devices) to use, at most one per tower (0: one per tower, as many as there are; under MPI, "
            + "as many as this rank's share of the host's GPUs, each rank its own).")
    int gpus;

    /** This process's place among the MPI ranks on its host, which says which GPUs are its own; set by {@link Distributed}. */
    LocalRanks localRanks = LocalRanks.ALONE;

    /** The engine {@code --device} names, running {@code net}; the CPU engine when no device is used. */
    Engine engine(CompiledNetwork net) {
      List<Device> devices = Devices.open(device, gpus, net.towers(), localRanks);
      return devices.isEmpty() ? new CpuEngine(net) : new CudaEngine(net, devices);
    }

    /** Applies the options, then creates the named network. */
    CompiledNetwork network(String model) {
      apply();
      return models.create(model);
    }

    /** Applies the options, then creates the named network with its parameters loaded from {@code weights}. */
    CompiledNetwork trained(String model, Path weights) throws IOException {
      CompiledNetwork net = network(model);
      Checkpoint.loadWeights(weights, net);
      return net;
    }

    void apply() {
      OptionChecks.atLeast("--threads", threads, 1);
      OptionChecks.atLeast("--gpus", gpus, 0);
      if (threads != null) {
        Parallel.setShared(threads);
      }
    }
  }

  private Cli() {}

  /** Runs the command line with these model names; returns the exit code. */
  public static int run(Map<String, String> modelNames, String defaultCommand, String... args) {
    models = new Models(modelNames);
    String[] effective = args.length == 0 && defaultCommand != null ? new String[] {defaultCommand} : args;
    CommandLine cli = new CommandLine(new Cli());
    cli.setExecutionExceptionHandler(
        (ex, commandLine, parseResult) -> {
          commandLine.getErr().println("error: " + ErrorMessage.of(ex));
          if (Boolean.getBoolean("netforge.debug")) {
            ex.printStackTrace(commandLine.getErr());
          }
          return 1;
        });
    try {
      return cli.execute(effective);
    } catch (OutOfMemoryError e) {
      // Parameters, data or buffers larger than the heap: say so and how to change it, not a JVM stack trace.
      cli.getErr().println(String.format(Locale.ROOT,
          "error: out of memory: the JVM's heap (at most %.1f MiB) cannot hold this run; %s",
          Runtime.getRuntime().maxMemory() / 1048576.0, BufferPlan.MORE_HEAP));
      return 1;
    }
  }
}
