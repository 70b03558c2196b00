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
import static jcuda.driver.JCudaDriver.cuModuleLoadDataJIT;
import static jcuda.driver.JCudaDriver.cuModuleUnload;
import static jcuda.driver.JCudaDriver.cuPointerGetAttribute;
import static jcuda.driver.JCudaDriver.cuStreamCreate;
import static jcuda.driver.JCudaDriver.cuStreamDestroy;
import static jcuda.driver.JCudaDriver.cuStreamSynchronize;
import static jcuda.driver.JCudaDriver.cuStreamWaitEvent;

import java.nio.ByteBuffer;
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
import jcuda.driver.CUjit_option;
import jcuda.driver.CUmemorytype;
import jcuda.driver.CUmodule;
import jcuda.driver.CUpointer_attribute;
import jcuda.driver.CUresult;
import jcuda.driver.CUstream;
import jcuda.driver.CUstream_flags;
import jcuda.driver.JITOptions;

/**
 * A GPU through JCuda's driver API: one context and one stream per device. Kernels, uploads and exchange copies run
 * in order on the stream: uploads go through two pinned staging buffers ({@link PinnedStaging}) as asynchronous
 * copies, peer copies are {@code cuMemcpy3DPeerAsync} (which the driver stages through host memory where peer access
 * is off), and a device waits for another through events ({@code cuStreamWaitEvent}), so neither the host nor the
 * other device blocks. Downloads are synchronous on the legacy default stream, which waits for this blocking stream.
 * Kernels load as {@link KernelLoader} chooses: cached, the build's PTX, or NVRTC's cubin for this device.
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
    CUdevice device = device(ordinal);
    byte[] chars = new byte[256];
    check(cuDeviceGetName(chars, chars.length, device), "cuDeviceGetName");
    this.name = new String(chars, java.nio.charset.StandardCharsets.US_ASCII).trim().replace("\0", "");
    int[] value = new int[1];
    check(cuDeviceGetAttribute(value, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, device), "cuDeviceGetAttribute");
    this.major = value[0];
    check(cuDeviceGetAttribute(value, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, device), "cuDeviceGetAttribute");
    this.minor = value[0];
    check(cuCtxCreate(context, 0, device), "cuCtxCreate");
    int created = cuStreamCreate(stream, CUstream_flags.CU_STREAM_DEFAULT);
    if (created != CUresult.CUDA_SUCCESS) {
      cuCtxDestroy(context);
      check(created, describe() + ": cuStreamCreate");
    }
    this.staging = new PinnedStaging(new JCudaStagingCalls(describe()));
  }

  private static CUdevice device(int ordinal) {
    CUdevice device = new CUdevice();
    check(cuDeviceGet(device, ordinal), "cuDeviceGet(" + ordinal + ")");
    return device;
  }

  /**
   * How many GPUs a run (a rank of one) opens: one per tower of its share of the host's GPUs ({@link LocalRanks}), or
   * {@code requested} (never more than the towers use: tower t runs on device t mod count), and never more than the
   * driver sees.
   *
   * @throws CudaException when {@code requested} is more than the driver sees
   */
  static int gpusToOpen(int requested, int towers, int available, LocalRanks ranks) {
    if (requested > available) {
      throw new CudaException("--gpus " + requested + " asked for more GPUs than the " + available + " the driver sees");
    }
    return Math.min(requested > 0 ? requested : ranks.gpusPerRank(available), towers);
  }

  /**
   * Opens the GPUs of this rank ({@link #gpusToOpen}, {@link LocalRanks}: alone, the first; {@code CUDA_VISIBLE_DEVICES}
   * says which are first) for a network of {@code towers} towers, and enables peer access between them where it can
   * ({@link PeerAccess}). Where the host's ranks share GPUs, its first rank says so on standard error.
   *
   * @throws CudaException naming what is missing when there is no driver or no device
   */
  public static List<Device> open(int requested, int towers, LocalRanks ranks) {
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
    int n = gpusToOpen(requested, towers, available[0], ranks);
    if (ranks.rank() == 0 && ranks.sharesGpus(n, available[0])) {
      System.err.printf(java.util.Locale.ROOT, "netforge: %d ranks on this host take %d GPU(s) each and each sees %d: ranks share GPUs (slower, "
          + "their memory adds up) unless the launcher gave each its own through CUDA_VISIBLE_DEVICES%n", ranks.count(), n, available[0]);
    }
    List<JCudaDevice> devices = new ArrayList<>();
    try {
      for (int ordinal : ranks.devices(n, available[0])) {
        devices.add(new JCudaDevice(ordinal));
      }
      String staged = PeerAccess.enable(n, new PeerAccess.Link() {
        @Override
        public boolean possible(int from, int to) {
          int[] can = new int[1];
          check(cuDeviceCanAccessPeer(can, device(devices.get(from).ordinal), device(devices.get(to).ordinal)), "cuDeviceCanAccessPeer");
          return can[0] != 0;
        }

        @Override
        public int enable(int from, int to) {
          devices.get(from).current();
          return cuCtxEnablePeerAccess(devices.get(to).context, 0);
        }
      }, i -> devices.get(i).describe());
      if (staged != null) {
        System.err.println(staged);
      }
    } catch (RuntimeException e) {
      // The devices opened before the failure are closed; their own failures go with the first one.
      Cleanup cleanup = new Cleanup(e);
      devices.forEach(d -> cleanup.run(d::close));
      cleanup.finish();
    }
    return List.copyOf(devices);
  }

  /** The driver's CUDA version, {@code 12.4}. */
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

  /** A GPU's memory keeps the zeros {@link #allocate} wrote: only the emulator checks for reads before writes. */
  @Override
  public void markWrittenBeforeRead(long address, long bytes) {}

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
  private record DriverEvent(CUevent event, CUcontext owner) implements Event {
    /** Destroys the event with its own context current; every call here makes its context current first. */
    @Override
    public void release() {
      check(cuCtxSetCurrent(owner), "cuCtxSetCurrent");
      check(cuEventDestroy(event), "cuEventDestroy");
    }
  }

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
    // Events of another device's context are allowed here; the wait takes the event's state now, so it can go,
    // whether the wait was queued or not.
    Cleanup cleanup = new Cleanup();
    cleanup.run(() -> {
      current();
      check(cuStreamWaitEvent(stream, recorded.event(), 0), "cuStreamWaitEvent");
    });
    cleanup.run(recorded::release);
    cleanup.finish();
  }

  @Override
  public void load(KernelModule module) {
    current();
    KernelLoader.load(module, 10 * major + minor, image -> loadImage(module.name(), image), new Nvrtc());
  }

  /** Bytes of the driver's JIT error log kept for a failed load. */
  private static final int JIT_LOG_BYTES = 16 * 1024;

  /**
   * Loads a cubin or PTX with {@code cuModuleLoadDataEx} (through JCuda's {@code cuModuleLoadDataJIT}), asking for the
   * JIT's error log and line information; keeps it as {@code name}'s module, unloading the one it replaces.
   *
   * @return null when loaded, else the driver's error with the JIT's log
   */
  private String loadImage(String name, byte[] image) {
    JITOptions jit = new JITOptions();
    jit.putInt(CUjit_option.CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES, JIT_LOG_BYTES);
    jit.putBytes(CUjit_option.CU_JIT_ERROR_LOG_BUFFER, new byte[JIT_LOG_BYTES]);
    jit.putInt(CUjit_option.CU_JIT_GENERATE_LINE_INFO, 1);
    CUmodule loaded = new CUmodule();
    current();
    int result = cuModuleLoadDataJIT(loaded, Pointer.to(image), jit);
    if (result != CUresult.CUDA_SUCCESS) {
      String log = jit.getString(CUjit_option.CU_JIT_ERROR_LOG_BUFFER);
      return CUresult.stringFor(result) + " (driver CUDA " + driverVersion() + ")" + (log == null || log.isBlank() ? "" : "\n" + log.strip());
    }
    CUmodule replaced = modules.put(name, loaded);
    functions.keySet().removeIf(key -> key.startsWith(name + "/"));
    if (replaced != null) {
      check(cuModuleUnload(replaced), describe() + ": cuModuleUnload(" + name + ")");
    }
    return null;
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
    Cleanup cleanup = new Cleanup();
    cleanup.run(this::current);
    for (CUdeviceptr pointer : allocations.values()) {
      cleanup.run(() -> check(cuMemFree(pointer), describe() + ": cuMemFree"));
    }
    allocations.clear();
    cleanup.run(staging::close);
    for (CUmodule module : modules.values()) {
      cleanup.run(() -> check(cuModuleUnload(module), describe() + ": cuModuleUnload"));
    }
    modules.clear();
    functions.clear();
    cleanup.run(() -> check(cuStreamDestroy(stream), describe() + ": cuStreamDestroy"));
    cleanup.run(() -> check(cuCtxDestroy(context), describe() + ": cuCtxDestroy"));
    cleanup.finish();
  }
}
