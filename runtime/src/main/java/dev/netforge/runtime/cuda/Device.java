package dev.netforge.runtime.cuda;

/**
 * The narrow interface through which the CUDA engine reaches a GPU: memory, copies (peer copies included), kernel
 * modules and launches. Two implementations sit behind it: {@code JCudaDevice} (the driver API through JCuda, in
 * netforge-jcuda, reached through {@link GpuDeviceProvider}) and {@link EmulatedDevice} (the same kernel source
 * compiled for the host), so everything above it runs in tests on machines without a GPU.
 *
 * <p>Work is issued in order on one stream per device. Work on one device waits for another's only through an
 * {@link Event}: {@code target.waitFor(source.recordEvent())} orders the target's later work, an exchange's
 * {@link #copyRows} included, after what the source had been given — without the host waiting for either. Addresses
 * are device addresses as 64-bit integers, as in the driver API.
 */
public interface Device extends AutoCloseable {
  /** What this device is, for logs and errors: {@code cuda:0 NVIDIA H100 (sm_90)}, {@code emulated:1}. */
  String describe();

  /**
   * Allocates {@code bytes} of zeroed device memory. The CUDA engine relies on the zeros where a buffer is read whole but
   * written only in part (a tower's share of ∂input under a grouped first layer, summed over the towers on the host,
   * and the gradients its ∂input pass reads on the way) or may be read before it is written (a parameter's gradient,
   * which a re-plan and {@code pullParameters} download whether or not a backward pass has run); the rest of its
   * memory it declares through {@link #markWrittenBeforeRead}.
   */
  long allocate(long bytes);

  /**
   * Declares that nothing relies on the zeros of {@code bytes} of allocated memory from {@code address}: every element
   * is written before it is read. A checking device ({@link EmulatedDevice} with {@code -Dnetforge.emulator.check})
   * fills them with NaN, so that a kernel that reads one unwritten shows NaN in what it computes; other devices leave
   * them zero.
   */
  void markWrittenBeforeRead(long address, long bytes);

  void free(long address);

  /** Copies {@code count} floats from {@code src[from..]} to {@code dst}; returns when {@code src} may be reused. */
  void upload(long dst, float[] src, int from, int count);

  void upload(long dst, int[] src, int from, int count);

  /** Copies {@code count} floats from {@code src} to {@code dst[from..]} after the work issued before it. */
  void download(long src, float[] dst, int from, int count);

  /**
   * Copies {@code rows} rows of {@code widthBytes} from {@code src} on {@code source} (this device or another) to
   * {@code dst} on this device, in this device's order: a peer copy where the devices allow, else staged through host
   * memory. The rows must be ready: after this device's earlier work, or a {@link #waitFor} of the source's event.
   */
  void copyRows(long dst, long dstPitchBytes, Device source, long src, long srcPitchBytes, long widthBytes, long rows);

  /**
   * Loads a network's kernels (compiling them where needed); they are then launchable by the module's name. Loading a
   * module of the same name again replaces it.
   */
  void load(KernelModule module);

  /**
   * Launches a kernel of a loaded module with {@link #BLOCK_THREADS} threads per block.
   *
   * @param module the name the module was loaded under
   *
   * @param args one 64-bit slot per kernel parameter: a device address, or an int or float in the low 32 bits
   *     ({@link #floatArg})
   */
  void launch(String module, String kernel, int gridX, int gridY, int gridZ, long... args);

  /** A point in a device's order of work: everything issued to it before {@link #recordEvent}. */
  interface Event {
    /** Frees the event without waiting for it: what becomes of an event whose wait is skipped after a failure. */
    void release();
  }

  /**
   * Marks the work issued so far, for another device to {@link #waitFor}; each event is waited for once (which frees
   * it) or released.
   */
  Event recordEvent();

  /**
   * Makes this device's later work wait until the work before {@code event} (on any device) is done; the host does
   * not wait.
   */
  void waitFor(Event event);

  /** Waits for all work issued on this device. */
  void synchronize();

  @Override
  void close();

  /**
   * The largest {@code gridDim.y} and {@code gridDim.z} of a launch, as on every GPU since compute capability 3.0
   * ({@code gridDim.x} reaches 2³¹ − 1, which a Java int never exceeds).
   */
  int MAX_GRID_YZ = 65_535;

  /** Threads per block of every netforge kernel. */
  int BLOCK_THREADS = 256;

  /** A float kernel argument in its slot. */
  static long floatArg(float value) {
    return Float.floatToRawIntBits(value) & 0xffff_ffffL;
  }
}
