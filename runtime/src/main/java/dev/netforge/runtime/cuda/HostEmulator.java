package dev.netforge.runtime.cuda;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Runs generated CUDA C on the host: compiles a network's {@code .cu} with g++ and the emulation header
 * ({@code cuda_emulation.h}), and calls its kernels through a small JNI library ({@code emulator_jni.c}), both built
 * on first use and cached ({@link KernelCache}). Emulated kernels run one at a time on the calling thread, so every
 * call is serialized.
 */
final class HostEmulator {
  private static final String HEADER = "cuda_emulation.h";
  private static final String JNI_SOURCE = "emulator_jni.c";
  private static boolean loaded;

  private HostEmulator() {}

  static native long allocate(long bytes);

  static native void free(long address);

  /** Fills {@code bytes} from {@code dst} with NaN (as 32-bit words). */
  static native void fillNaN(long dst, long bytes);

  static native void writeFloats(long dst, float[] src, int from, int count);

  static native void writeInts(long dst, int[] src, int from, int count);

  static native void readFloats(long src, float[] dst, int from, int count);

  static native void copyRows(long dst, long dstPitch, long src, long srcPitch, long width, long rows);

  static native long open(String path);

  static native String lastError();

  static native long symbol(long library, String name);

  /** Runs a kernel after setting its module's order of blocks and threads ({@code shuffle}) to {@code seed}. */
  static native void launch(long kernel, long shuffle, long seed, int[] dims, long[] args);

  /** Builds (or finds in the cache) and loads the JNI library. */
  static synchronized void ensureLoaded() {
    if (loaded) {
      return;
    }
    String source = resource(JNI_SOURCE);
    Path javaHome = Path.of(System.getProperty("java.home"));
    Path library = KernelCache.entry("emulator", ".so", source, javaHome.toString());
    if (!Files.exists(library)) {
      compile(
          library,
          List.of("gcc", "-O2", "-fPIC", "-shared", "-Wall", "-I" + javaHome.resolve("include"), "-I" + javaHome.resolve("include/linux"),
              "-x", "c", "-"),
          source,
          "the emulator's JNI library");
    }
    System.load(library.toAbsolutePath().toString());
    loaded = true;
  }

  /** Compiles a network's kernels for the host and returns the library handle. */
  static synchronized long loadModule(String moduleName, String cudaSource) {
    ensureLoaded();
    String header = resource(HEADER);
    Path library = KernelCache.entry("emulator", ".so", cudaSource, header);
    if (!Files.exists(library)) {
      Path headerFile = library.resolveSibling(library.getFileName() + ".h");
      try {
        Files.createDirectories(library.getParent());
        Files.writeString(headerFile, header);
      } catch (IOException e) {
        throw new CudaException("cannot write " + headerFile + ": " + e.getMessage(), e);
      }
      compile(
          library,
          List.of("g++", "-std=c++17", "-O2", "-fPIC", "-shared", "-U_FORTIFY_SOURCE", "-DNETFORGE_EMULATION", "-include",
              headerFile.toString(), "-x", "c++", "-"),
          cudaSource,
          moduleName + ".cu for the host emulator");
    }
    long handle = open(library.toAbsolutePath().toString());
    if (handle == 0) {
      throw new CudaException("cannot load " + library + ": " + lastError());
    }
    return handle;
  }

  static synchronized long kernel(long module, String moduleName, String kernel) {
    long address = symbol(module, "netforge_emulate_" + kernel);
    if (address == 0) {
      throw new CudaException(moduleName + ".cu has no kernel " + kernel);
    }
    return address;
  }

  /**
   * The address of a module's {@code netforge_emulation_shuffle}: the seed of the order its next launch runs blocks and
   * threads in ({@code cuda_emulation.h}).
   */
  static synchronized long shuffle(long module, String moduleName) {
    long address = symbol(module, "netforge_emulation_shuffle");
    if (address == 0) {
      throw new CudaException(moduleName + ".cu was not compiled with the emulation header");
    }
    return address;
  }

  /**
   * Runs a kernel of a module whose {@link #shuffle} is at {@code shuffle}: blocks, and threads between barriers, in
   * index order when {@code seed} is 0, else in an order drawn from it.
   */
  static synchronized void run(long kernel, long shuffle, long seed, int gridX, int gridY, int gridZ, long[] args) {
    launch(kernel, shuffle, seed, new int[] {gridX, gridY, gridZ, Device.BLOCK_THREADS, 1, 1}, args);
  }

  private static void compile(Path target, List<String> command, String source, String what) {
    try {
      KernelCache.build(target, command, source, what, "the host emulator needs gcc and g++");
    } catch (KernelCache.BuildFailed e) {
      throw new CudaException(e.getMessage(), e);
    }
  }

  static String resource(String name) {
    try (InputStream in = HostEmulator.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException(name + " is missing from the runtime's jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + name, e);
    }
  }
}
