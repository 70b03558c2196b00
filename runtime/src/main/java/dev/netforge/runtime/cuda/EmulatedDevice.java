package dev.netforge.runtime.cuda;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * A GPU stand-in on the host ({@link HostEmulator}): memory is host memory, kernels are the same generated CUDA C
 * compiled by g++, launches run to completion before returning. Two of these make the two-device tower split
 * testable on any machine; the exchanges between them are plain copies.
 */
public final class EmulatedDevice implements Device {
  private final int index;
  private final Set<Long> allocations = new HashSet<>();
  private final Map<String, Long> modules = new HashMap<>();
  private final Map<String, Long> kernels = new HashMap<>();

  public EmulatedDevice(int index) {
    HostEmulator.ensureLoaded();
    this.index = index;
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
    modules.put(module.name(), HostEmulator.loadModule(module.name(), module.source()));
    kernels.keySet().removeIf(key -> key.startsWith(module.name() + "/"));
  }

  @Override
  public void launch(String module, String kernel, int gridX, int gridY, int gridZ, long... args) {
    Long handle = modules.get(module);
    if (handle == null) {
      throw new IllegalStateException(describe() + ": launch of " + kernel + " before module " + module + " was loaded");
    }
    long address = kernels.computeIfAbsent(module + "/" + kernel, k -> HostEmulator.kernel(handle, module, kernel));
    HostEmulator.run(address, gridX, gridY, gridZ, args);
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
