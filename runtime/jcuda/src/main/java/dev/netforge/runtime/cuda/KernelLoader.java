package dev.netforge.runtime.cuda;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which compiled form of a network's kernels a GPU loads, first to last: what an earlier run compiled for this
 * architecture (from {@link KernelCache}), the build's PTX (when it targets no newer architecture than the GPU's), and
 * only then NVRTC's compilation for the GPU ({@link NvrtcTarget}), which is cached for the next run. So NVRTC is needed
 * only where nothing shipped or cached loads, and a driver older than the build's nvcc still runs the kernels.
 */
final class KernelLoader {
  /** The device side: loads one image, and keeps it as the module when it loads. */
  interface Driver {
    /**
     * @param image a cubin, or PTX text ending in a NUL byte
     * @return null when the module is loaded, else why not: the driver's error and its JIT log
     */
    String load(byte[] image);
  }

  /** The compiler of last resort; each call throws a {@link CudaException} saying what is missing or wrong. */
  interface Compiler {
    String version();

    int[] supportedArchs();

    byte[] compile(String name, String source, NvrtcTarget target);
  }

  private KernelLoader() {}

  /**
   * Loads {@code module} through {@code driver} for a GPU of architecture {@code deviceArch}.
   *
   * @throws CudaException naming every form tried and why each failed
   */
  static void load(KernelModule module, int deviceArch, Driver driver, Compiler compiler) {
    List<String> failures = new ArrayList<>();
    Path cached = KernelCache.entry("cuda", ".bin", module.source(), "sm_" + deviceArch, String.join(" ", Nvrtc.OPTIONS));
    if (Files.exists(cached)) {
      try {
        if (loaded(driver, Files.readAllBytes(cached), "the kernels cached in " + cached, failures)) {
          return;
        }
      } catch (IOException e) {
        failures.add("the kernels cached in " + cached + ": " + e.getMessage());
      }
    }
    if (module.ptx() != null) {
      int target = ptxTarget(module.ptx());
      if (target > deviceArch) {
        failures.add("the build's PTX: it targets sm_" + target + ", newer than the GPU");
      } else if (loaded(driver, image(module.ptx()), "the build's PTX", failures)) {
        return;
      }
    }
    byte[] compiled;
    NvrtcTarget target;
    try {
      target = NvrtcTarget.choose(deviceArch, compiler.supportedArchs());
      compiled = compiler.compile(module.name(), module.source(), target);
    } catch (CudaException | LinkageError e) {
      failures.add("NVRTC: " + e.getMessage());
      throw failed(module, failures);
    }
    if (!loaded(driver, compiled, "NVRTC's " + (target.cubin() ? "cubin" : "PTX") + " for " + target.option(), failures)) {
      throw failed(module, failures);
    }
    KernelCache.keep(cached, compiled);
  }

  private static boolean loaded(Driver driver, byte[] image, String what, List<String> failures) {
    String failure = driver.load(image);
    if (failure != null) {
      failures.add(what + ": " + failure);
    }
    return failure == null;
  }

  private static CudaException failed(KernelModule module, List<String> failures) {
    return new CudaException("cannot load the kernels of " + module.name() + ":\n  " + String.join("\n  ", failures)
        + "\nUpdate the NVIDIA driver, or install CUDA 12's runtime compiler (Debian: libnvrtc12), or use --device cpu");
  }

  /** PTX text as the driver reads it: NUL-terminated. */
  static byte[] image(String ptx) {
    byte[] text = ptx.getBytes(StandardCharsets.UTF_8);
    byte[] image = new byte[text.length + 1];
    System.arraycopy(text, 0, image, 0, text.length);
    return image;
  }

  /** The {@code .target sm_XY} of a PTX text as XY (0 when absent). */
  static int ptxTarget(String ptx) {
    Matcher m = Pattern.compile("(?m)^\\.target\\s+sm_(\\d+)").matcher(ptx);
    return m.find() ? Integer.parseInt(m.group(1)) : 0;
  }
}
