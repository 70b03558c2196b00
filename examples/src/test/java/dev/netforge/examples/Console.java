package dev.netforge.examples;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import java.util.function.Supplier;

/** What a command printed, for tests of the command line. */
final class Console {
  private Console() {}

  static String stdoutOf(Runnable r) {
    return capture(r, () -> System.out, System::setOut);
  }

  static String stderrOf(Runnable r) {
    return capture(r, () -> System.err, System::setErr);
  }

  private static String capture(Runnable r, Supplier<PrintStream> current, Consumer<PrintStream> set) {
    PrintStream saved = current.get();
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    set.accept(new PrintStream(buffer, true, StandardCharsets.UTF_8));
    try {
      r.run();
    } finally {
      set.accept(saved);
    }
    return buffer.toString(StandardCharsets.UTF_8);
  }
}
