package dev.netforge.runtime.cuda;

import java.util.List;
import jcuda.nvrtc.JNvrtc;
import jcuda.nvrtc.nvrtcProgram;
import jcuda.nvrtc.nvrtcResult;

/** NVRTC, CUDA's runtime compiler, through JCuda: the compiler of last resort for {@link KernelLoader}. */
final class Nvrtc implements KernelLoader.Compiler {
  /**
   * NVRTC's options besides the target. {@code -lineinfo} lets compute-sanitizer name source lines at no cost in
   * speed. Multiply-adds stay contracted ({@code --fmad=true}, NVRTC's and nvcc's default) for speed: the GPU's last
   * bits then differ from the host emulator's, so the CUDA tests that run on a GPU compare with a tolerance
   * ({@code Reference.assertClose}) and never bit for bit.
   */
  static final List<String> OPTIONS = List.of("--std=c++17", "-lineinfo", "--fmad=true");

  @Override
  public String version() {
    try {
      int[] major = new int[1];
      int[] minor = new int[1];
      check(JNvrtc.nvrtcVersion(major, minor), "nvrtcVersion");
      return major[0] + "." + minor[0];
    } catch (LinkageError e) {
      throw new CudaException("NVRTC, CUDA's runtime compiler, cannot be loaded (" + JCudaDevice.missingLibrary(e)
          + "). Install the CUDA 12 runtime compiler (Debian: libnvrtc12; or the CUDA toolkit) or use --device cpu", e);
    }
  }

  @Override
  public int[] supportedArchs() {
    int[] count = new int[1];
    check(JNvrtc.nvrtcGetNumSupportedArchs(count), "nvrtcGetNumSupportedArchs");
    int[] archs = new int[count[0]];
    check(JNvrtc.nvrtcGetSupportedArchs(archs), "nvrtcGetSupportedArchs");
    return archs;
  }

  @Override
  public byte[] compile(String name, String source, NvrtcTarget target) {
    nvrtcProgram program = new nvrtcProgram();
    check(JNvrtc.nvrtcCreateProgram(program, source, name + ".cu", 0, null, null), "nvrtcCreateProgram");
    try {
      String[] options = new String[OPTIONS.size() + 1];
      options[0] = "--gpu-architecture=" + target.option();
      for (int i = 0; i < OPTIONS.size(); i++) {
        options[i + 1] = OPTIONS.get(i);
      }
      int result = JNvrtc.nvrtcCompileProgram(program, options.length, options);
      if (result != nvrtcResult.NVRTC_SUCCESS) {
        String[] log = new String[1];
        JNvrtc.nvrtcGetProgramLog(program, log);
        throw new CudaException("NVRTC " + version() + " could not compile " + name + ".cu for " + target.option() + ": "
            + nvrtcResult.stringFor(result) + "\n" + log[0]);
      }
      return target.cubin() ? cubin(program) : ptx(program);
    } finally {
      JNvrtc.nvrtcDestroyProgram(program);
    }
  }

  private static byte[] cubin(nvrtcProgram program) {
    long[] size = new long[1];
    check(JNvrtc.nvrtcGetCUBINSize(program, size), "nvrtcGetCUBINSize");
    byte[] cubin = new byte[Math.toIntExact(size[0])];
    check(JNvrtc.nvrtcGetCUBIN(program, cubin), "nvrtcGetCUBIN");
    return cubin;
  }

  private static byte[] ptx(nvrtcProgram program) {
    String[] ptx = new String[1];
    check(JNvrtc.nvrtcGetPTX(program, ptx), "nvrtcGetPTX");
    return KernelLoader.image(ptx[0]);
  }

  private static void check(int result, String call) {
    if (result != nvrtcResult.NVRTC_SUCCESS) {
      throw new CudaException(call + " failed: " + nvrtcResult.stringFor(result));
    }
  }
}
