package dev.netforge.runtime.mpi;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/** Runs a Java main class as two MPI ranks on this machine (mpirun as root needs its two permissions). */
public final class TwoRanks {
  private TwoRanks() {}

  /** What two ranks of {@code mainClass} printed (standard output and error, interleaved); fails the test unless they exit with {@code exitCode}. */
  public static String run(int exitCode, long timeoutSeconds, String mainClass, String... args) throws IOException, InterruptedException {
    Assumptions.assumeTrue(onPath("mpirun"), "mpirun is not installed (apt-get install openmpi-bin libopenmpi-dev): the two-rank run is skipped");
    List<String> command = new ArrayList<>(List.of("mpirun", "--allow-run-as-root", "--oversubscribe", "-np", "2",
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "--add-modules", "jdk.incubator.vector",
        "-cp", System.getProperty("java.class.path")));
    String cache = System.getProperty("netforge.cache");
    if (cache != null) {
      command.add("-Dnetforge.cache=" + cache);
    }
    command.add(mainClass);
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    byte[] output;
    if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      throw new AssertionError("two ranks of " + mainClass + " did not end within " + timeoutSeconds + " s:\n"
          + new String(process.getInputStream().readNBytes(1 << 16), StandardCharsets.UTF_8));
    }
    output = process.getInputStream().readAllBytes();
    String text = new String(output, StandardCharsets.UTF_8);
    if (process.exitValue() != exitCode) {
      throw new AssertionError("two ranks of " + mainClass + " exited with " + process.exitValue() + ", expected " + exitCode + ":\n" + text);
    }
    return text;
  }

  private static boolean onPath(String tool) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
        return true;
      }
    }
    return false;
  }
}
