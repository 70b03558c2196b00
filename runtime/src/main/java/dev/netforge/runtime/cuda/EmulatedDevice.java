package dev.netforge.runtime.cuda;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * A GPU stand-in on the host ({@link HostEmulator}): memory is host memory, kernels are the same generated CUDA C
 * compiled by g++, launches run to completion before returning. Two of these make the two-device tower split
 * testable on any machine; the exchanges between them are plain copies.
 *
 * <p>By default a launch runs its blocks in index order and a block's threads in index order between barriers, and
 * memory stays as {@link #allocate} zeroed it: fast, and deterministic, but a kernel that reads another block's output,
 * or another thread's write without a barrier between them, or memory nobody wrote, can pass there and fail on a GPU.
 * In <em>checking mode</em> ({@code -Dnetforge.emulator.check=true}, or {@code =SEED} to replay a run) every launch
 * runs its blocks, and each block its threads between two barriers, in an order drawn from the seed, and memory
 * declared {@link #markWrittenBeforeRead written before read} is filled with NaN. The orders of a device's launches
 * follow from the seed, the device's index and the launch's place in the device's sequence, so the same seed replays
 * the same orders however the devices' threads interleave; the seed is printed when the first device is made.
 */
public final class EmulatedDevice implements Device {
  /** The property that turns checking mode on for devices made without a seed of their own. */
  private static final String CHECK_PROPERTY = "netforge.emulator.check";

  /** The seed the property gives, or null when it does not ask for checking mode. */
  private static final Long PROPERTY_SEED = propertySeed();

  private final int index;
  /** Draws each launch's order in checking mode; null when blocks and threads run in index order. */
  private final SplittableRandom launchOrders;
  private final Set<Long> allocations = new HashSet<>();
  private final Map<String, Module> modules = new HashMap<>();
  private final Map<String, Long> kernels = new HashMap<>();

  /** A loaded module: its library, and where its order of blocks and threads for the next launch is set. */
  private record Module(long handle, long shuffle) {}

  /** An emulated device, in checking mode when {@code -Dnetforge.emulator.check} asks for it. */
  public EmulatedDevice(int index) {
    this(index, PROPERTY_SEED);
  }

  /** An emulated device in checking mode with {@code checkSeed}, or in index order where it is null. */
  EmulatedDevice(int index, Long checkSeed) {
    HostEmulator.ensureLoaded();
    this.index = index;
    this.launchOrders = checkSeed == null ? null : new SplittableRandom(checkSeed + index);
  }

  private static Long propertySeed() {
    String value = System.getProperty(CHECK_PROPERTY, "false");
    if (value.equals("false")) {
      return null;
    }
    long seed;
    if (value.equals("true")) {
      seed = new SplittableRandom().nextLong();
    } else {
      try {
        seed = Long.parseLong(value);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("-D" + CHECK_PROPERTY + "=" + value + " is none of true, false or a seed (a long)", e);
      }
    }
    System.err.println("netforge: emulated devices in checking mode, seed " + seed + " (-D" + CHECK_PROPERTY + "=" + seed + " replays it)");
    return seed;
  }

  @Override
  public String describe() {
    return "emulated:" + index;
  }

  @Override
  public long allocate(long bytes) {
    long address = HostEmulator.allocate(bytes);
    if (address == 0) {
      throw new CudaException(describe() + ": cannot allocate " + bytes + " bytes of host memory for the emulated device");
    }
    allocations.add(address);
    return address;
  }

  @Override
  public void markWrittenBeforeRead(long address, long bytes) {
    if (launchOrders != null) {
      HostEmulator.fillNaN(address, bytes);
    }
  }

  @Override
  public void free(long address) {
    if (allocations.remove(address)) {
      HostEmulator.free(address);
    }
  }

  @Override
  public void upload(long dst, float[] src, int from, int count) {
    HostEmulator.writeFloats(dst, src, from, count);
  }

  @Override
  public void upload(long dst, int[] src, int from, int count) {
    HostEmulator.writeInts(dst, src, from, count);
  }

  @Override
  public void download(long src, float[] dst, int from, int count) {
    HostEmulator.readFloats(src, dst, from, count);
  }

  @Override
  public void copyRows(long dst, long dstPitchBytes, Device source, long src, long srcPitchBytes, long widthBytes, long rows) {
    if (!(source instanceof EmulatedDevice)) {
      throw new IllegalArgumentException("an emulated device copies only from emulated devices, not " + source.describe());
    }
    HostEmulator.copyRows(dst, dstPitchBytes, src, srcPitchBytes, widthBytes, rows);
  }

  @Override
  public void load(KernelModule module) {
    long handle = HostEmulator.loadModule(module.name(), module.source());
    modules.put(module.name(), new Module(handle, HostEmulator.shuffle(handle, module.name())));
    kernels.keySet().removeIf(key -> key.startsWith(module.name() + "/"));
  }

  @Override
  public void launch(String module, String kernel, int gridX, int gridY, int gridZ, long... args) {
    Module loaded = modules.get(module);
    if (loaded == null) {
      throw new IllegalStateException(describe() + ": launch of " + kernel + " before module " + module + " was loaded");
    }
    long address = kernels.computeIfAbsent(module + "/" + kernel, k -> HostEmulator.kernel(loaded.handle(), module, kernel));
    // Odd, so never 0, which means index order.
    long order = launchOrders == null ? 0 : launchOrders.nextLong() | 1;
    HostEmulator.run(address, loaded.shuffle(), order, gridX, gridY, gridZ, args);
  }

  /** Work on an emulated device is done when its call returns, so an event carries nothing. */
  private enum Done implements Event {
    INSTANCE;

    @Override
    public void release() {}
  }

  @Override
  public Event recordEvent() {
    return Done.INSTANCE;
  }

  @Override
  public void waitFor(Event event) {
    // The source's work before the event ran to completion on the thread that recorded it; a DeviceWorker in
    // front of each device makes this device's thread wait for that one.
  }

  @Override
  public void synchronize() {
    // Launches and copies complete before they return.
  }

  @Override
  public void close() {
    for (long address : allocations) {
      HostEmulator.free(address);
    }
    allocations.clear();
  }
}
