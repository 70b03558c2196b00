package dev.netforge.runtime.cuda;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Where compiled kernels are kept between runs, keyed by a hash of what went into them (source, target, compiler
 * flags): {@code -Dnetforge.cache=DIR}, else {@code $XDG_CACHE_HOME/netforge}, else {@code ~/.cache/netforge}.
 */
final class KernelCache {
  private KernelCache() {}

  static Path root() {
    String configured = System.getProperty("netforge.cache");
    if (configured != null) {
      return Path.of(configured);
    }
    String xdg = System.getenv("XDG_CACHE_HOME");
    return xdg != null && !xdg.isEmpty() ? Path.of(xdg, "netforge") : Path.of(System.getProperty("user.home"), ".cache", "netforge");
  }

  /** The cache file for {@code parts}, under {@code kind}, with the given file name suffix. */
  static Path entry(String kind, String suffix, String... parts) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      for (String part : parts) {
        digest.update(part.getBytes(StandardCharsets.UTF_8));
        digest.update((byte) 0);
      }
      return root().resolve(kind).resolve(HexFormat.of().formatHex(digest.digest()).substring(0, 24) + suffix);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Keeps {@code bytes} as {@code entry} for later runs; where the cache cannot be written (read-only, full), says so
   * once and goes on, since the run itself has what it needs.
   */
  static void keep(Path entry, byte[] bytes) {
    Path partial = entry.resolveSibling(entry.getFileName() + ".partial-" + ProcessHandle.current().pid());
    try {
      Files.createDirectories(entry.getParent());
      Files.write(partial, bytes);
      publish(partial, entry);
    } catch (IOException e) {
      try {
        Files.deleteIfExists(partial);
      } catch (IOException ignored) {
        // The partial file was never written, or the directory is not writable: nothing is left to remove.
      }
      System.err.println("netforge: cannot keep compiled kernels in " + entry.getParent() + " (" + e
          + "); the next run compiles them again (-Dnetforge.cache=DIR chooses another place)");
    }
  }

  /** Moves a finished file into place atomically, so a concurrent reader never sees half of it. */
  static void publish(Path finished, Path entry) throws IOException {
    Files.createDirectories(entry.getParent());
    Files.move(finished, entry, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }
}
