package dev.netforge.runtime.cli;

import dev.netforge.runtime.CompiledNetwork;
import dev.netforge.runtime.Parallel;
import dev.netforge.runtime.train.Checkpoint;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The netforge command line: {@code summary}, {@code forward}, {@code gradients}, {@code train}, {@code eval},
 * {@code bench}. A project registers its networks' short names and calls {@link #run}.
 */
@Command(
    name = "netforge",
    mixinStandardHelpOptions = true,
    version = "netforge 0.1.0",
    description = "Train and run networks declared with netforge annotations.",
    subcommands = {
      SummaryCommand.class,
      ForwardCommand.class,
      GradientsCommand.class,
      TrainCommand.class,
      EvalCommand.class,
      BenchCommand.class
    })
public final class Cli {
  static Models models = new Models(Map.of());

  /** Options every command shares. */
  static final class Common {
    @Option(names = "--threads", description = "Worker threads (default: one per core).")
    Integer threads;

    @Option(names = "--device", defaultValue = "cpu", description = "cpu (the CUDA engine is not built yet).")
    String device;

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
      if (threads != null) {
        Parallel.setShared(threads);
      }
      if (!device.equals("cpu")) {
        throw new IllegalArgumentException("--device " + device + " is not available: this build has only the CPU engine (--device cpu)");
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
          commandLine.getErr().println("error: " + (ex.getMessage() != null ? ex.getMessage() : ex.toString()));
          if (Boolean.getBoolean("netforge.debug")) {
            ex.printStackTrace(commandLine.getErr());
          }
          return 1;
        });
    return cli.execute(effective);
  }
}
