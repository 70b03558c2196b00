package dev.netforge.runtime;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netforge.runtime.io.SafeTensors;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The PyTorch vectors of ../shared/reference, and the comparison they are held to. */
public final class Reference {
  private Reference() {}

  /** The reference directory: {@code -Dnetforge.reference}, else ../shared/reference above the checkout. */
  public static Path dir() {
    String configured = System.getProperty("netforge.reference");
    Path dir = configured != null ? Path.of(configured) : Path.of("../../shared/reference");
    if (!Files.isDirectory(dir)) {
      throw new IllegalStateException("reference vectors not found at " + dir.toAbsolutePath()
          + "; the checkout must sit beside shared/ (or pass -Dnetforge.reference=DIR)");
    }
    return dir;
  }

  public static SafeTensors load(String name) {
    try {
      return SafeTensors.read(dir().resolve(name + ".safetensors"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** ‖actual − expected‖ / ‖expected‖ over the first {@code expected.length} elements. */
  public static double relativeError(float[] actual, float[] expected) {
    double diff = 0;
    double norm = 0;
    for (int i = 0; i < expected.length; i++) {
      double d = (double) actual[i] - expected[i];
      diff += d * d;
      norm += (double) expected[i] * expected[i];
    }
    return Math.sqrt(diff) / Math.max(Math.sqrt(norm), 1e-30);
  }

  /** Asserts the reference bound, relative error ≤ 1e-4. */
  public static void assertClose(String what, float[] actual, float[] expected) {
    assertClose(what, actual, expected, 1e-4);
  }

  public static void assertClose(String what, float[] actual, float[] expected, double bound) {
    double err = relativeError(actual, expected);
    assertTrue(err <= bound, what + ": relative error " + err + " > " + bound);
  }
}
