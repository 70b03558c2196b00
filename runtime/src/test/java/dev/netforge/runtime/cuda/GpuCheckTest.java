package dev.netforge.runtime.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@code bin/gpu-check} on a machine without a GPU: one line, its own exit status, nothing built or run. */
class GpuCheckTest {
  @Test
  void withoutAGpuItSaysSoInOneLineAndExitsWithThree() throws IOException, InterruptedException {
    Path script = Path.of("..", "bin", "gpu-check").toAbsolutePath().normalize();
    assertTrue(Files.isExecutable(script), script + " is executable");
    // An nvidia-smi that is not there stands for a machine without a GPU, even where this test runs beside one.
    ProcessBuilder builder = new ProcessBuilder(script.toString()).redirectErrorStream(true);
    builder.environment().put("NVIDIA_SMI", "/nonexistent/nvidia-smi");
    Process process = builder.start();
    assertTrue(process.waitFor(30, TimeUnit.SECONDS), "gpu-check returns at once");
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(3, process.exitValue(), output);
    assertEquals(1, output.lines().count(), output);
    assertTrue(output.startsWith("gpu-check: no NVIDIA GPU on this machine"), output);
  }
}
