package dev.netforge.runtime.cuda;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A device that runs nothing and remembers what it was asked, for the launcher's host side: a kernel can be refused at
 * its launch ({@link #rejectedKernel}) or fault on the device ({@link #faultingKernel}, which, as on a GPU, leaves an
 * error that every later wait and free reports).
 */
class FakeDevice implements Device {
  private final String name;
  final List<String> calls = Collections.synchronizedList(new ArrayList<>());
  final Set<Long> live = ConcurrentHashMap.newKeySet();
  final AtomicInteger eventsRecorded = new AtomicInteger();
  final AtomicInteger eventsReleased = new AtomicInteger();
  final AtomicInteger closed = new AtomicInteger();
  volatile String rejectedKernel;
  volatile String faultingKernel;
  private volatile CudaException sticky;
  private long next = 0x1000;

  FakeDevice(String name) {
    this.name = name;
  }

  @Override
  public String describe() {
    return name;
  }

  @Override
  public synchronized long allocate(long bytes) {
    long address = next;
    next += (bytes + 255) / 256 * 256 + 256;
    live.add(address);
    calls.add("allocate " + bytes);
    return address;
  }

  @Override
  public void markWrittenBeforeRead(long address, long bytes) {}

  @Override
  public void free(long address) {
    calls.add("free");
    live.remove(address);
    if (sticky != null) {
      throw new CudaException(name + ": cuMemFree failed after " + sticky.getMessage());
    }
  }

  @Override
  public void upload(long dst, float[] src, int from, int count) {}

  @Override
  public void upload(long dst, int[] src, int from, int count) {}

  @Override
  public void download(long src, float[] dst, int from, int count) {
    failIfFaulted();
  }

  @Override
  public void copyRows(long dst, long dstPitchBytes, Device source, long src, long srcPitchBytes, long widthBytes, long rows) {
    calls.add("copy from " + source.describe());
  }

  @Override
  public void load(KernelModule module) {
    calls.add("load " + module.name());
  }

  @Override
  public void launch(String module, String kernel, int gridX, int gridY, int gridZ, long... args) {
    calls.add("launch " + kernel);
    if (kernel.equals(rejectedKernel)) {
      throw new CudaException(name + ": cuLaunchKernel(" + kernel + ") failed: CUDA_ERROR_INVALID_VALUE");
    }
    if (kernel.equals(faultingKernel)) {
      sticky = new CudaException(name + ": CUDA_ERROR_ILLEGAL_ADDRESS");
    }
  }

  /** An event that counts its own end, by a wait or a release. */
  private final class FakeEvent implements Event {
    @Override
    public void release() {
      eventsReleased.incrementAndGet();
    }
  }

  @Override
  public Event recordEvent() {
    eventsRecorded.incrementAndGet();
    return new FakeEvent();
  }

  @Override
  public void waitFor(Event event) {
    event.release();
  }

  @Override
  public void synchronize() {
    failIfFaulted();
  }

  private void failIfFaulted() {
    if (sticky != null) {
      throw new CudaException("cuStreamSynchronize failed: " + sticky.getMessage());
    }
  }

  @Override
  public void close() {
    closed.incrementAndGet();
  }
}
