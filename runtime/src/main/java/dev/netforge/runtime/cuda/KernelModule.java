package dev.netforge.runtime.cuda;

/**
 * A network's generated kernels as a device loads them.
 *
 * @param name the network's name; launches name the module by it
 * @param source the generated CUDA C ({@code <Network>.cu})
 * @param ptx PTX the build compiled from it with nvcc ({@code <Network>.ptx}), or {@code null} where the build had no nvcc
 */
public record KernelModule(String name, String source, String ptx) {}
