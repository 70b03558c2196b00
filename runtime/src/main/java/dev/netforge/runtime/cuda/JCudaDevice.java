package dev.netforge.runtime.cuda;

import static jcuda.driver.JCudaDriver.cuCtxCreate;
import static jcuda.driver.JCudaDriver.cuCtxDestroy;
import static jcuda.driver.JCudaDriver.cuCtxEnablePeerAccess;
import static jcuda.driver.JCudaDriver.cuCtxSetCurrent;
import static jcuda.driver.JCudaDriver.cuDeviceCanAccessPeer;
import static jcuda.driver.JCudaDriver.cuDeviceGet;
import static jcuda.driver.JCudaDriver.cuDeviceGetAttribute;
import static jcuda.driver.JCudaDriver.cuDeviceGetCount;
import static jcuda.driver.JCudaDriver.cuDeviceGetName;
import static jcuda.driver.JCudaDriver.cuDriverGetVersion;
import static jcuda.driver.JCudaDriver.cuInit;
import static jcuda.driver.JCudaDriver.cuLaunchKernel;
import static jcuda.driver.JCudaDriver.cuMemAlloc;
import static jcuda.driver.JCudaDriver.cuMemFree;
import static jcuda.driver.JCudaDriver.cuEventCreate;
import static jcuda.driver.JCudaDriver.cuEventDestroy;
import static jcuda.driver.JCudaDriver.cuEventRecord;
import static jcuda.driver.JCudaDriver.cuMemcpy2DAsync;
import static jcuda.driver.JCudaDriver.cuMemcpy3DPeerAsync;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoH;
import static jcuda.driver.JCudaDriver.cuMemsetD8;
import static jcuda.driver.JCudaDriver.cuModuleGetFunction;
import static jcuda.driver.JCudaDriver.cuModuleLoadData;
import static jcuda.driver.JCudaDriver.cuPointerGetAttribute;
import static jcuda.driver.JCudaDriver.cuStreamCreate;
import static jcuda.driver.JCudaDriver.cuStreamDestroy;
import static jcuda.driver.JCudaDriver.cuStreamSynchronize;
import static jcuda.driver.JCudaDriver.cuStreamWaitEvent;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import jcuda.Pointer;
import jcuda.driver.CUDA_MEMCPY2D;
import jcuda.driver.CUDA_MEMCPY3D_PEER;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUevent;
import jcuda.driver.CUevent_flags;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmemorytype;
import jcuda.driver.CUmodule;
import jcuda.driver.CUpointer_attribute;
import jcuda.driver.CUresult;
import jcuda.driver.CUstream;
import jcuda.driver.CUstream_flags;
import jcuda.nvrtc.JNvrtc;
import jcuda.nvrtc.nvrtcProgram;
import jcuda.nvrtc.nvrtcResult;

/**
 * A GPU through JCuda's driver API: one context and one stream per device. Kernels, uploads and exchange copies run
 * in order on the stream: uploads go through two pinned staging buffers ({@link PinnedStaging}) as asynchronous
 * copies, peer copies are {@code cuMemcpy3DPeerAsync} (which the driver stages through host memory where peer access
 * is off), and a device waits for another through events ({@code cuStreamWaitEvent}), so neither the host nor the
 * other device blocks. Downloads are synchronous on the legacy default stream, which waits for this blocking stream.
 * Kernel source is compiled by NVRTC for the device's architecture and the PTX cached on disk ({@link KernelCache}).
 *
 * <p>Written against the JCuda and CUDA driver documentation; this project's build machines have no GPU, so only a
 * machine with one exercises it (docs/performance.md says where it has run).
 */
public final class JCudaDevice implements Device {
  private final int ordinal;
  private final String name;
  private final int major;
  private final int minor;
  private final CUcontext context = new CUcontext();
  private final CUstream stream = new CUstream();
  /** Allocations by their device address, so an address inside one maps back to a driver pointer. */
  private final TreeMap<Long, CUdeviceptr> allocations = new TreeMap<>();
  private final Map<String, CUmodule> modules = new HashMap<>();
  private final Map<String, CUfunction> functions = new HashMap<>();
  private final PinnedStaging staging;

  private JCudaDevice(int ordinal) {
    this.ordinal = ordinal;
    CUdevice device = new CUdevice();
    check(cuDeviceGet(device, ordinal), "cuDeviceGet");
    byte[] chars = new byte[256];
    check(cuDeviceGetName(chars, chars.length, device), "cuDeviceGetName");
    this.name = new String(chars, java.nio.charset.StandardCharsets.US_ASCII).trim().replace("\0", "");
    int[] value = new int[1];
    check(cuDeviceGetAttribute(value, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, device), "cuDeviceGetAttribute");
    this.major = value[0];
    check(cuDeviceGetAttribute(value, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, device), "cuDeviceGetAttribute");
    this.minor = value[0];
    check(cuCtxCreate(context, 0, device), "cuCtxCreate");
    check(cuStreamCreate(stream, CUstream_flags.CU_STREAM_DEFAULT), "cuStreamCreate");
    this.staging = new PinnedStaging(new JCudaStagingCalls(describe()));
  }

  /**
   * Opens the first {@code count} GPUs (all of them when {@code count ≤ 0}) and enables peer access between every pair
   * that allows it.
   *
   * @throws CudaException naming what is missing when there is no driver or no device
   */
  public static List<Device> open(int count) {
    try {
      check(cuInit(0), "cuInit");
    } catch (LinkageError e) {
      throw new CudaException("cannot load the CUDA driver (" + missingLibrary(e) + "); install the NVIDIA driver, or use --device cpu", e);
    }
    int[] available = new int[1];
    check(cuDeviceGetCount(available), "cuDeviceGetCount");
    if (available[0] == 0) {
      throw new CudaException("the CUDA driver (version " + driverVersion() + ") sees no GPU");
    }
    int n = count <= 0 ? available[0] : count;
    if (n > available[0]) {
      throw new CudaException("--gpus " + n + " asked for more GPUs than the " + available[0] + " the driver sees");
    }
    List<JCudaDevice> devices = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      devices.add(new JCudaDevice(i));
    }
    for (JCudaDevice a : devices) {
      for (JCudaDevice b : devices) {
        if (a != b) {
          a.enablePeerAccess(b);
        }
      }
    }
    return List.copyOf(devices);
  }

  private void enablePeerAccess(JCudaDevice peer) {
    CUdevice mine = new CUdevice();
    CUdevice theirs = new CUdevice();
    check(cuDeviceGet(mine, ordinal), "cuDeviceGet");
    check(cuDeviceGet(theirs, peer.ordinal), "cuDeviceGet");
    int[] can = new int[1];
    check(cuDeviceCanAccessPeer(can, mine, theirs), "cuDeviceCanAccessPeer");
    if (can[0] != 0) {
      current();
      check(cuCtxEnablePeerAccess(peer.context, 0), "cuCtxEnablePeerAccess");
    }
  }

  static String driverVersion() {
    int[] version = new int[1];
    cuDriverGetVersion(version);
    return version[0] / 1000 + "." + version[0] % 1000 / 10;
  }

  /**
   * The shared library a failed native load could not open, from JCuda's message (which nests every attempt's stack
   * trace): {@code libcuda.so.1 not found}.
   */
  static String missingLibrary(LinkageError e) {
    String message = String.valueOf(e.getMessage());
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("([\\w.+-]+\\.so[.\\d]*): cannot open shared object file").matcher(message);
    String last = null;
    while (m.find()) {
      last = m.group(1);
    }
    return last != null ? last + " not found" : message.lines().findFirst().orElse(e.toString());
  }

  static void check(int result, String call) {
    if (result != CUresult.CUDA_SUCCESS) {
      throw new CudaException(call + " failed: " + CUresult.stringFor(result) + " (driver " + driverVersion() + ")");
    }
  }

  private void current() {
    check(cuCtxSetCurrent(context), "cuCtxSetCurrent");
  }

  private CUdeviceptr pointer(long address) {
    Map.Entry<Long, CUdeviceptr> allocation = allocations.floorEntry(address);
    if (allocation == null) {
      throw new IllegalArgumentException(describe() + ": address " + Long.toHexString(address) + " is not in any allocation");
    }
    return allocation.getValue().withByteOffset(address - allocation.getKey());
  }

  @Override
  public String describe() {
    return "cuda:" + ordinal + " " + name + " (sm_" + major + minor + ")";
  }

  @Override
  public long allocate(long bytes) {
    current();
    CUdeviceptr pointer = new CUdeviceptr();
    int result = cuMemAlloc(pointer, bytes);
    if (result != CUresult.CUDA_SUCCESS) {
      throw new CudaException(describe() + ": cannot allocate " + bytes + " bytes: " + CUresult.stringFor(result) + "; try a smaller --batch");
    }
    check(cuMemsetD8(pointer, (byte) 0, bytes), "cuMemsetD8");
    long[] address = new long[1];
    check(cuPointerGetAttribute(Pointer.to(address), CUpointer_attribute.CU_POINTER_ATTRIBUTE_DEVICE_POINTER, pointer), "cuPointerGetAttribute");
    allocations.put(address[0], pointer);
    return address[0];
  }

  @Override
  public void free(long address) {
    CUdeviceptr pointer = allocations.remove(address);
    if (pointer != null) {
      current();
      check(cuMemFree(pointer), "cuMemFree");
    }
  }

  @Override
  public void upload(long dst, float[] src, int from, int count) {
    upload(dst, count, buffer -> buffer.asFloatBuffer().put(src, from, count));
  }

  @Override
  public void upload(long dst, int[] src, int from, int count) {
    upload(dst, count, buffer -> buffer.asIntBuffer().put(src, from, count));
  }

  /** {@code count} 4-byte elements that {@code fill} writes, through the pinned staging buffers. */
  private void upload(long dst, int count, Consumer<ByteBuffer> fill) {
    current();
    staging.upload(pointer(dst), 4L * count, fill, stream);
  }

  @Override
  public void download(long src, float[] dst, int from, int count) {
    current();
    check(cuMemcpyDtoH(Pointer.to(dst).withByteOffset(4L * from), pointer(src), 4L * count), "cuMemcpyDtoH");
  }

  @Override
  public void copyRows(long dst, long dstPitchBytes, Device source, long src, long srcPitchBytes, long widthBytes, long rows) {
    if (source == this) {
      current();
      CUDA_MEMCPY2D copy = new CUDA_MEMCPY2D();
      copy.srcMemoryType = CUmemorytype.CU_MEMORYTYPE_DEVICE;
      copy.srcDevice = pointer(src);
      copy.srcPitch = srcPitchBytes;
      copy.dstMemoryType = CUmemorytype.CU_MEMORYTYPE_DEVICE;
      copy.dstDevice = pointer(dst);
      copy.dstPitch = dstPitchBytes;
      copy.WidthInBytes = widthBytes;
      copy.Height = rows;
      check(cuMemcpy2DAsync(copy, stream), "cuMemcpy2DAsync");
      return;
    }
    if (!(source instanceof JCudaDevice peer)) {
      throw new IllegalArgumentException(describe() + " copies only from CUDA devices, not " + source.describe());
    }
    CUDA_MEMCPY3D_PEER copy = new CUDA_MEMCPY3D_PEER();
    copy.srcMemoryType = CUmemorytype.CU_MEMORYTYPE_DEVICE;
    copy.srcDevice = peer.pointer(src);
    copy.srcContext = peer.context;
    copy.srcPitch = srcPitchBytes;
    copy.srcHeight = rows;
    copy.dstMemoryType = CUmemorytype.CU_MEMORYTYPE_DEVICE;
    copy.dstDevice = pointer(dst);
    copy.dstContext = context;
    copy.dstPitch = dstPitchBytes;
    copy.dstHeight = rows;
    copy.WidthInBytes = widthBytes;
    copy.Height = rows;
    copy.Depth = 1;
    current();
    check(cuMemcpy3DPeerAsync(copy, stream), "cuMemcpy3DPeerAsync");
  }

  /**
   * A recorded driver event and the context it belongs to; destroyed once a stream has been made to wait for it (the
   * driver keeps it until it completes).
   */
  private record DriverEvent(CUevent event, CUcontext owner) implements Event {}

  @Override
  public Event recordEvent() {
    current();
    CUevent event = new CUevent();
    check(cuEventCreate(event, CUevent_flags.CU_EVENT_DISABLE_TIMING), "cuEventCreate");
    check(cuEventRecord(event, stream), "cuEventRecord");
    return new DriverEvent(event, context);
  }

  @Override
  public void waitFor(Event event) {
    if (!(event instanceof DriverEvent recorded)) {
      throw new IllegalArgumentException(describe() + " waits only for CUDA events, not " + event);
    }
    current();
    // Events of another device's context are allowed here; the wait takes the event's state now, so it can go,
    // destroyed with its own context current (every call here makes its context current first).
    check(cuStreamWaitEvent(stream, recorded.event(), 0), "cuStreamWaitEvent");
    check(cuCtxSetCurrent(recorded.owner()), "cuCtxSetCurrent");
    check(cuEventDestroy(recorded.event()), "cuEventDestroy");
  }

  @Override
  public void load(KernelModule module) {
    current();
    CUmodule loaded = new CUmodule();
    if (module.ptx() != null && ptxTarget(module.ptx()) <= 10 * major + minor) {
      int result = cuModuleLoadData(loaded, module.ptx());
      if (result == CUresult.CUDA_SUCCESS) {
        register(module.name(), loaded);
        return;
      }
      System.err.println("netforge: " + describe() + " cannot load the build's PTX of " + module.name() + " (" + CUresult.stringFor(result)
          + ", driver CUDA " + driverVersion() + "); compiling it with NVRTC");
    }
    String arch = "compute_" + major + minor;
    String ptx = ptx(module.name(), module.source(), arch);
    current();
    int result = cuModuleLoadData(loaded, ptx);
    if (result == CUresult.CUDA_ERROR_UNSUPPORTED_PTX_VERSION) {
      throw new CudaException(describe() + ": the driver (CUDA " + driverVersion() + ") cannot load PTX from NVRTC " + nvrtcVersion()
          + "; update the NVIDIA driver, or put an NVRTC no newer than the driver on the library path");
    }
    check(result, "cuModuleLoadData(" + module.name() + ")");
    register(module.name(), loaded);
  }

  private void register(String module, CUmodule loaded) {
    modules.put(module, loaded);
    functions.keySet().removeIf(key -> key.startsWith(module + "/"));
  }

  /** The {@code .target sm_XY} of a PTX text as XY (0 when absent). */
  static int ptxTarget(String ptx) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^\\.target\\s+sm_(\\d+)").matcher(ptx);
    return m.find() ? Integer.parseInt(m.group(1)) : 0;
  }

  private String ptx(String module, String cudaSource, String arch) {
    String nvrtc = nvrtcVersion();
    Path cached = KernelCache.entry("ptx", ".ptx", cudaSource, arch, nvrtc);
    try {
      if (Files.exists(cached)) {
        return Files.readString(cached);
      }
      nvrtcProgram program = new nvrtcProgram();
      JNvrtc.nvrtcCreateProgram(program, cudaSource, module + ".cu", 0, null, null);
      int result = JNvrtc.nvrtcCompileProgram(program, 2, new String[] {"--gpu-architecture=" + arch, "--std=c++17"});
      String[] log = new String[1];
      JNvrtc.nvrtcGetProgramLog(program, log);
      if (result != nvrtcResult.NVRTC_SUCCESS) {
        JNvrtc.nvrtcDestroyProgram(program);
        throw new CudaException("NVRTC " + nvrtc + " could not compile " + module + ".cu for " + arch + ": " + nvrtcResult.stringFor(result) + "\n" + log[0]);
      }
      String[] ptx = new String[1];
      JNvrtc.nvrtcGetPTX(program, ptx);
      JNvrtc.nvrtcDestroyProgram(program);
      Path partial = cached.resolveSibling(cached.getFileName() + ".partial-" + ProcessHandle.current().pid());
      Files.createDirectories(cached.getParent());
      Files.writeString(partial, ptx[0]);
      KernelCache.publish(partial, cached);
      return ptx[0];
    } catch (IOException e) {
      throw new CudaException("cannot use the kernel cache " + cached.getParent() + ": " + e.getMessage(), e);
    }
  }

  /** Throws the {@link CudaException} saying what to install when NVRTC cannot be loaded. */
  static void nvrtcAvailable() {
    nvrtcVersion();
  }

  private static String nvrtcVersion() {
    try {
      int[] major = new int[1];
      int[] minor = new int[1];
      JNvrtc.nvrtcVersion(major, minor);
      return major[0] + "." + minor[0];
    } catch (LinkageError e) {
      throw new CudaException("NVRTC, CUDA's runtime compiler, cannot be loaded (" + missingLibrary(e) + "); the driver is CUDA "
          + driverVersion() + ". Install the CUDA 12 runtime compiler (Debian: libnvrtc12; or the CUDA toolkit) or use --device cpu", e);
    }
  }

  @Override
  public void launch(String module, String kernel, int gridX, int gridY, int gridZ, long... args) {
    current();
    CUfunction function = functions.get(module + "/" + kernel);
    if (function == null) {
      CUmodule loaded = modules.get(module);
      if (loaded == null) {
        throw new IllegalStateException(describe() + ": launch of " + kernel + " before module " + module + " was loaded");
      }
      function = new CUfunction();
      check(cuModuleGetFunction(function, loaded, kernel), "cuModuleGetFunction(" + kernel + ")");
      functions.put(module + "/" + kernel, function);
    }
    Pointer[] slots = new Pointer[args.length];
    for (int i = 0; i < args.length; i++) {
      slots[i] = Pointer.to(new long[] {args[i]});
    }
    check(cuLaunchKernel(function, gridX, gridY, gridZ, BLOCK_THREADS, 1, 1, 0, stream, Pointer.to(slots), null), "cuLaunchKernel(" + kernel + ")");
  }

  @Override
  public void synchronize() {
    current();
    check(cuStreamSynchronize(stream), "cuStreamSynchronize");
  }

  @Override
  public void close() {
    current();
    for (CUdeviceptr pointer : allocations.values()) {
      cuMemFree(pointer);
    }
    allocations.clear();
    staging.close();
    cuStreamDestroy(stream);
    cuCtxDestroy(context);
  }
}
