package dev.netforge.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every generated {@code .cu} compiles with nvcc for sm_70, sm_80 and sm_90 with all warnings as errors. Where nvcc is
 * absent, or cannot target an architecture (CUDA 13 dropped sm_70), that case is skipped with the reason, not passed.
 */
class NvccCompileTest {
  private static final List<String> NETWORKS = List.of("MiniAlexNet", "AlexNet2012", "AlexNetTorchvision", "CudaProbe", "AvgPoolProbe");
  private static final List<String> ARCHITECTURES = List.of("70", "80", "90");

  @TempDir Path work;

  @TestFactory
  Stream<DynamicTest> generatedKernelsCompile() {
    String nvcc = nvcc();
    List<String> supported = nvcc == null ? List.of() : run(List.of(nvcc, "--list-gpu-arch"), 60).lines().toList();
    List<DynamicTest> tests = new ArrayList<>();
    for (String network : NETWORKS) {
      for (String arch : ARCHITECTURES) {
        tests.add(DynamicTest.dynamicTest(network + ".cu for sm_" + arch, () -> compile(nvcc, supported, network, arch)));
      }
    }
    return tests.stream();
  }

  private void compile(String nvcc, List<String> supported, String network, String arch) throws IOException {
    Assumptions.assumeTrue(nvcc != null, "nvcc is not on the PATH (nor $NVCC, nor /usr/local/cuda/bin): " + network + ".cu was not compiled");
    Assumptions.assumeTrue(supported.contains("compute_" + arch),
        "this nvcc (" + nvcc + ") cannot target sm_" + arch + "; it lists " + supported + ": " + network + ".cu was not compiled for it");
    Path source = work.resolve(network + ".cu");
    try (InputStream in = getClass().getResourceAsStream(network + ".cu")) {
      assertTrue(in != null, network + ".cu is not on the test classpath");
      Files.write(source, in.readAllBytes());
    }
    String output = run(List.of(nvcc, "-cubin", "-arch=sm_" + arch, "-Werror", "all-warnings", "-Xptxas", "-Werror",
        "-o", work.resolve(network + "_" + arch + ".cubin").toString(), source.toString()), 600);
    assertEquals("", output.strip(), "nvcc printed diagnostics for " + network + ".cu (sm_" + arch + ")");
  }

  private static String nvcc() {
    List<String> candidates = new ArrayList<>();
    if (System.getenv("NVCC") != null) {
      candidates.add(System.getenv("NVCC"));
    }
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      candidates.add(dir + "/nvcc");
    }
    candidates.add("/usr/local/cuda/bin/nvcc");
    return candidates.stream().filter(c -> Files.isExecutable(Path.of(c))).findFirst().orElse(null);
  }

  /** Runs a command; its combined output, or a failed assertion with that output. */
  private static String run(List<String> command, int timeoutSeconds) {
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      byte[] output = process.getInputStream().readAllBytes();
      assertTrue(process.waitFor(timeoutSeconds, TimeUnit.SECONDS), String.join(" ", command) + " did not finish");
      String text = new String(output, StandardCharsets.UTF_8);
      assertEquals(0, process.exitValue(), String.join(" ", command) + " failed:\n" + text);
      return text;
    } catch (IOException e) {
      throw new AssertionError("cannot run " + command.get(0) + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
