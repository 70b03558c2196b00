package dev.netforge.runtime.cli;

import dev.netforge.runtime.CompiledNetwork;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "summary", description = "Print a network's layer table: operations, shapes, parameters, multiply-adds.")
final class SummaryCommand implements Callable<Integer> {
  @Option(names = "--model", required = true, description = "Model name or generated class.")
  String model;

  @Override
  public Integer call() {
    CompiledNetwork net = Cli.models.create(model);
    System.out.print(net.summary());
    return 0;
  }
}
