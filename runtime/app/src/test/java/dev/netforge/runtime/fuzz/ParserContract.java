package dev.netforge.runtime.fuzz;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * Whether one input keeps a parser's contract: it parses, or ends in the documented exception naming the file, within
 * {@link #TIME_LIMIT_MS}. Memory is bounded by the JVM the fuzz tests run in (Surefire's {@code fuzz} execution: 256 MiB),
 * so an allocation a header drives unchecked is an {@link OutOfMemoryError} here.
 */
final class ParserContract {
  /** Far above any input's parse time (milliseconds), so only a hang or a runaway loop reaches it. */
  static final long TIME_LIMIT_MS = 5_000;

  private ParserContract() {}

  /** What is wrong with how {@code target} handled {@code fuzzed}, or null when it kept its contract. */
  static String violation(ParserTarget target, byte[] fuzzed) throws IOException, InterruptedException {
    Path dir = Files.createTempDirectory("netforge-fuzz");
    try {
      return violation(target, fuzzed, dir);
    } finally {
      try (Stream<Path> files = Files.list(dir)) {
        for (Path f : files.toList()) {
          Files.deleteIfExists(f);
        }
      }
      Files.deleteIfExists(dir);
    }
  }

  private static String violation(ParserTarget target, byte[] fuzzed, Path dir) throws IOException, InterruptedException {
    Path file = dir.resolve(target.fileName);
    Files.write(file, target.frame(fuzzed));
    FutureTask<Void> parse = new FutureTask<>(() -> {
      target.parse(file);
      return null;
    });
    Thread worker = new Thread(parse, "fuzz-" + target.corpusName());
    worker.setDaemon(true);
    worker.start();
    try {
      parse.get(TIME_LIMIT_MS, TimeUnit.MILLISECONDS);
      return null;
    } catch (TimeoutException e) {
      worker.interrupt();
      return "still parsing after " + TIME_LIMIT_MS + " ms";
    } catch (ExecutionException e) {
      Throwable thrown = e.getCause();
      if (target.documented.isInstance(thrown) && thrown.getMessage() != null && thrown.getMessage().contains(target.fileName)) {
        return null;
      }
      StringWriter trace = new StringWriter();
      thrown.printStackTrace(new PrintWriter(trace));
      return "threw " + trace;
    }
  }
}
