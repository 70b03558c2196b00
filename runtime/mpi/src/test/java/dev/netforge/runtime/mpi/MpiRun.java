package dev.netforge.runtime.mpi;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Starts a Java main class as MPI ranks on this machine, one {@code -np 1} program per rank (so ranks may get
 * different arguments), with this test's class path; as root mpirun needs its two permissions. Skips the calling test
 * where mpirun is not installed.
 */
public final class MpiRun {
  /**
   * @param exitCode mpirun's
   * @param output what the ranks and mpirun printed, standard output and error interleaved
   * @param seconds from start to end
   */
  public record Result(int exitCode, String output, double seconds) {}

  /** What a test does while the ranks run. */
  public interface Meanwhile {
    void accept(Process mpirun) throws IOException, InterruptedException;
  }

  private MpiRun() {}

  /**
   * The Vector API module, and C2's trap limit where this JVM has it (the pom's {@code netforge.vector.flags}; runtime/app's
   * {@code TrapLimit} says why): a rank starts as the test's JVM did, so its kernels are compiled alike.
   */
  private static List<String> vectorFlags() {
    List<String> flags = new ArrayList<>(List.of("--add-modules", "jdk.incubator.vector"));
    for (String argument : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (argument.startsWith("-XX:PerMethodTrapLimit=")) {
        flags.add(argument);
      }
    }
    return flags;
  }

  /** Runs {@code mainClass} as {@code rankArgs.size()} ranks, rank r with {@code rankArgs.get(r)}; kills it after {@code timeoutSeconds}. */
  public static Result run(long timeoutSeconds, String mainClass, List<List<String>> rankArgs) throws IOException, InterruptedException {
    return run(timeoutSeconds, mainClass, rankArgs, mpirun -> {});
  }

  /** As {@link #run(long, String, List)}, calling {@code meanwhile} with mpirun's process once it has started. */
  public static Result run(long timeoutSeconds, String mainClass, List<List<String>> rankArgs, Meanwhile meanwhile)
      throws IOException, InterruptedException {
    Assumptions.assumeTrue(onPath("mpirun"), "mpirun is not installed (apt-get install openmpi-bin libopenmpi-dev): the MPI run is skipped");
    List<String> command = new ArrayList<>(List.of("mpirun", "--allow-run-as-root", "--oversubscribe"));
    String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    for (List<String> args : rankArgs) {
      if (command.size() > 3) {
        command.add(":");
      }
      command.addAll(List.of("-np", "1", Path.of(System.getProperty("java.home"), "bin", "java").toString()));
      command.addAll(vectorFlags());
      command.addAll(List.of("-cp", classPath, mainClass));
      command.addAll(args);
    }
    long start = System.nanoTime();
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    // Read while it runs, so a full pipe never blocks the ranks.
    StringBuilder output = new StringBuilder();
    Thread reader = new Thread(() -> {
      try {
        output.append(new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
      } catch (IOException e) {
        output.append("(reading the output failed: ").append(e).append(')');
      }
    });
    reader.start();
    meanwhile.accept(process);
    if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      reader.join(10_000);
      throw new AssertionError("mpirun did not end within " + timeoutSeconds + " s:\n" + output);
    }
    reader.join();
    return new Result(process.exitValue(), output.toString(), (System.nanoTime() - start) / 1e9);
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
