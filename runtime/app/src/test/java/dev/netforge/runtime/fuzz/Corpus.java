package dev.netforge.runtime.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The inputs each target is fuzzed from and replayed on: the committed files of {@code src/test/resources/fuzz/<target>}
 * (seeds, and every finding once fixed, as {@code finding-*}), then the seeds the target generates.
 */
final class Corpus {
  /** One corpus input and where it came from, for test names and reports. */
  record Input(String name, byte[] bytes) {}

  private static final Map<ParserTarget, List<Input>> LOADED = new EnumMap<>(ParserTarget.class);

  private Corpus() {}

  static synchronized List<Input> of(ParserTarget target) {
    return LOADED.computeIfAbsent(target, t -> {
      try {
        List<Input> inputs = new ArrayList<>();
        Path dir = committed(t);
        if (Files.isDirectory(dir)) {
          try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.sorted().toList()) {
              inputs.add(new Input(f.getFileName().toString(), Files.readAllBytes(f)));
            }
          }
        }
        // The seeds are written to files (the formats' writers take paths) and read back; the folder goes once they
        // are in memory, so that test runs do not pile seed files up in the temporary directory.
        Path scratch = Files.createTempDirectory("netforge-seeds");
        try {
          int n = 0;
          for (byte[] generated : t.generatedSeeds(scratch)) {
            inputs.add(new Input("generated-" + n++, generated));
          }
        } finally {
          deleteTree(scratch);
        }
        return List.copyOf(inputs);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  /** The committed corpus folder of {@code target}, as the test classpath holds it. */
  static Path committed(ParserTarget target) {
    URL root = Corpus.class.getResource("/fuzz");
    if (root == null) {
      throw new IllegalStateException("src/test/resources/fuzz is not on the test classpath");
    }
    try {
      return Path.of(root.toURI()).resolve(target.corpusName());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
