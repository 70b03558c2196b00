package dev.netforge.runtime.cuda;

import java.util.Arrays;

/**
 * What NVRTC compiles a network's kernels for on one GPU: a cubin for the GPU's own architecture where NVRTC knows
 * it (a cubin runs on any driver of NVRTC's CUDA major version, PTX only on drivers at least as new as NVRTC), a cubin
 * for the nearest older architecture of the same major version (cubins run on later minor versions), and for a GPU
 * newer than every architecture NVRTC supports, PTX for the highest one, which the driver JIT-compiles for the GPU.
 *
 * @param arch the architecture compiled for, as {@code 10 × major + minor}
 * @param cubin whether the product is a cubin ({@code sm_XY}) rather than PTX ({@code compute_XY})
 */
record NvrtcTarget(int arch, boolean cubin) {
  /**
   * @param deviceArch the GPU's compute capability as {@code 10 × major + minor}
   * @param supported what {@code nvrtcGetSupportedArchs} lists
   * @throws CudaException when the GPU is older than every architecture NVRTC supports
   */
  static NvrtcTarget choose(int deviceArch, int[] supported) {
    int best = Arrays.stream(supported).filter(a -> a <= deviceArch).max().orElseThrow(() -> new CudaException(
        "NVRTC supports only " + Arrays.toString(supported) + ", none of them for this GPU (sm_" + deviceArch
            + "); use an NVRTC of an older CUDA, or --device cpu"));
    return new NvrtcTarget(best, best / 10 == deviceArch / 10);
  }

  /** NVRTC's {@code --gpu-architecture} value. */
  String option() {
    return (cubin ? "sm_" : "compute_") + arch;
  }
}
