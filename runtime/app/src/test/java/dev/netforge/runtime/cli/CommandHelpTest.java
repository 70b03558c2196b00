package dev.netforge.runtime.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** What a new user reads first: every command's {@code --help}. */
class CommandHelpTest {
  /** Until session 51 only {@code netforge --help} worked; {@code netforge train --help} was "Unknown option: '--help'". */
  @Test
  void everyCommandTakesHelp() {
    CommandLine cli = new CommandLine(Cli.class);
    for (Map.Entry<String, CommandLine> command : cli.getSubcommands().entrySet()) {
      StringWriter printed = new StringWriter();
      cli.setOut(new PrintWriter(printed));
      assertEquals(0, cli.execute(command.getKey(), "--help"), command.getKey());
      assertTrue(printed.toString().startsWith("Usage: netforge " + command.getKey()), printed.toString());
    }
  }

  /** An option listed without a word about it (train's --momentum, --weight-decay and --seed were) leaves the user guessing. */
  @Test
  void everyOptionIsDescribed() {
    List<String> bare = new ArrayList<>();
    for (Map.Entry<String, CommandLine> command : new CommandLine(Cli.class).getSubcommands().entrySet()) {
      for (OptionSpec option : command.getValue().getCommandSpec().options()) {
        if (option.description().length == 0 || option.description()[0].isBlank()) {
          bare.add(command.getKey() + " " + option.longestName());
        }
      }
    }
    assertEquals(List.of(), bare);
  }
}
