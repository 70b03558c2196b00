package dev.netforge.examples;

import dev.netforge.runtime.cuda.Device;
import dev.netforge.runtime.cuda.KernelModule;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A device that watches its memory for the CUDA launcher's tests: exchange copies run late (so a copy still queued
 * on one device's thread is still queued when the host moves on), and a copy whose source has been freed is
 * recorded in {@link #faults} and skipped — on a real device, or an emulated one, it reads freed memory.
 */
final class WatchedDevice implements Device {
  private final Device device;
  private final Map<Long, Long> live = new ConcurrentHashMap<>();
  private final List<String> faults;

  WatchedDevice(Device device, List<String> faults) {
    this.device = device;
    this.faults = faults;
  }

  /** Two watched emulated devices that report into one list. */
  static List<Device> pair(List<Device> emulated, List<String> faults) {
    return List.of(new WatchedDevice(emulated.get(0), faults), new WatchedDevice(emulated.get(1), faults));
  }

  static List<String> newFaults() {
    return new CopyOnWriteArrayList<>();
  }

  private boolean holds(long address, long bytes) {
    return live.entrySet().stream().anyMatch(a -> a.getKey() <= address && address + bytes <= a.getKey() + a.getValue());
  }

  @Override
  public String describe() {
    return "watched " + device.describe();
  }

  @Override
  public long allocate(long bytes) {
    long address = device.allocate(bytes);
    live.put(address, bytes);
    return address;
  }

  @Override
  public void markWrittenBeforeRead(long address, long bytes) {
    device.markWrittenBeforeRead(address, bytes);
  }

  @Override
  public void free(long address) {
    live.remove(address);
    device.free(address);
  }

  @Override
  public void upload(long dst, float[] src, int from, int count) {
    device.upload(dst, src, from, count);
  }

  @Override
  public void upload(long dst, int[] src, int from, int count) {
    device.upload(dst, src, from, count);
  }

  @Override
  public void download(long src, float[] dst, int from, int count) {
    device.download(src, dst, from, count);
  }

  @Override
  public void copyRows(long dst, long dstPitchBytes, Device source, long src, long srcPitchBytes, long widthBytes, long rows) {
    try {
      Thread.sleep(20);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    WatchedDevice from = (WatchedDevice) source;
    long extent = (rows - 1) * srcPitchBytes + widthBytes;
    if (!from.holds(src, extent)) {
      faults.add(describe() + " copied " + extent + " bytes from freed memory of " + from.describe());
      return;
    }
    device.copyRows(dst, dstPitchBytes, from.device, src, srcPitchBytes, widthBytes, rows);
  }

  @Override
  public void load(KernelModule module) {
    device.load(module);
  }

  @Override
  public void launch(String module, String kernel, int gridX, int gridY, int gridZ, long... args) {
    device.launch(module, kernel, gridX, gridY, gridZ, args);
  }

  @Override
  public Event recordEvent() {
    return device.recordEvent();
  }

  @Override
  public void waitFor(Event event) {
    device.waitFor(event);
  }

  @Override
  public void synchronize() {
    device.synchronize();
  }

  @Override
  public void close() {
    device.close();
  }
}
