package dev.netforge.runtime.cuda;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Where compiled kernels and native libraries (the host emulator's, netforge-mpi's shim) are kept between runs, keyed
 * by a hash of what went into them (source, target, compiler flags): {@code -Dnetforge.cache=DIR}, else
 * {@code $XDG_CACHE_HOME/netforge}, else {@code ~/.cache/netforge}.
 */
public final class KernelCache {
  /** A compiler that failed or could not be started: the message names the command and holds its output. */
  public static final class BuildFailed extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BuildFailed(String message, Throwable cause) {
      super(message, cause);
    }
  }

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
  public static Path entry(String kind, String suffix, String... parts) {
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

  /**
   * Runs {@code command}, a compiler reading {@code source} from standard input, with {@code -o} a file beside
   * {@code target} that is then moved into place atomically (so two processes building at once each see a whole one).
   *
   * @param what what is being built, for messages
   * @param needs what the build needs installed, said when the compiler cannot be started
   */
  public static void build(Path target, List<String> command, String source, String what, String needs) {
    List<String> full = new ArrayList<>(command);
    Path partial = target.resolveSibling(target.getFileName() + ".partial-" + ProcessHandle.current().pid());
    full.add("-o");
    full.add(partial.toString());
    try {
      Files.createDirectories(target.getParent());
      Process process = new ProcessBuilder(full).redirectErrorStream(true).start();
      process.getOutputStream().write(source.getBytes(StandardCharsets.UTF_8));
      process.getOutputStream().close();
      byte[] output = process.getInputStream().readAllBytes();
      if (!process.waitFor(10, TimeUnit.MINUTES) || process.exitValue() != 0) {
        throw new BuildFailed("compiling " + what + " failed (" + String.join(" ", full) + "):\n" + new String(output, StandardCharsets.UTF_8), null);
      }
      publish(partial, target);
    } catch (IOException e) {
      throw new BuildFailed("cannot run " + command.get(0) + " to build " + what + " (" + needs + "): " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BuildFailed("interrupted while compiling " + what, e);
    }
  }

  /** Moves a finished file into place atomically, so a concurrent reader never sees half of it. */
  static void publish(Path finished, Path entry) throws IOException {
    Files.createDirectories(entry.getParent());
    Files.move(finished, entry, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }
}
