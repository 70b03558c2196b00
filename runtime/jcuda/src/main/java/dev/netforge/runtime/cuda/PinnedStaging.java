package dev.netforge.runtime.cuda;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.function.Consumer;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUevent;
import jcuda.driver.CUstream;

/**
 * Two page-locked host buffers that uploads alternate between: the host fills one while the device may still be
 * copying the other, and the copy itself is asynchronous on the device's stream, so a batch goes up while the kernels
 * before it run. A buffer is refilled only after the copy that last read it has finished (its event). Used by one
 * thread, with the device's context current.
 */
final class PinnedStaging implements AutoCloseable {
  /** The driver calls staging makes (JCuda's, or a fake in tests); each throws a {@link CudaException} on failure. */
  interface Calls {
    /** Page-locked host memory of {@code bytes} ({@code cuMemAllocHost}), readable through {@link Pointer#getByteBuffer}. */
    Pointer allocateHost(long bytes);

    void freeHost(Pointer buffer);

    CUevent createEvent();

    void record(CUevent event, CUstream stream);

    void synchronize(CUevent event);

    void destroy(CUevent event);

    void copyToDevice(CUdeviceptr dst, Pointer src, long bytes, CUstream stream);
  }

  private final Calls calls;
  /** Each buffer, or null while it has none: a buffer freed for a larger one is forgotten before the allocation. */
  private final Pointer[] buffers = new Pointer[2];
  private final long[] capacity = new long[2];
  private final CUevent[] copied = new CUevent[2];
  private int next;

  PinnedStaging(Calls calls) {
    this.calls = calls;
  }

  /**
   * Copies {@code bytes} that {@code fill} writes into a staging buffer (little-endian, as the device reads them) to
   * {@code dst}, queued on {@code stream}; returns as soon as the host's data is in the buffer.
   */
  void upload(CUdeviceptr dst, long bytes, Consumer<ByteBuffer> fill, CUstream stream) {
    int i = next;
    next ^= 1;
    if (copied[i] == null) {
      copied[i] = calls.createEvent();
    } else {
      calls.synchronize(copied[i]);
    }
    if (capacity[i] < bytes) {
      if (buffers[i] != null) {
        // Forget the old buffer before allocating: when the allocation throws, neither the next upload nor close
        // may touch memory that is already freed.
        Pointer old = buffers[i];
        buffers[i] = null;
        capacity[i] = 0;
        calls.freeHost(old);
      }
      buffers[i] = calls.allocateHost(bytes);
      capacity[i] = bytes;
    }
    fill.accept(buffers[i].getByteBuffer(0, bytes).order(ByteOrder.nativeOrder()));
    calls.copyToDevice(dst, buffers[i], bytes, stream);
    calls.record(copied[i], stream);
  }

  @Override
  public void close() {
    Cleanup cleanup = new Cleanup();
    for (int i = 0; i < 2; i++) {
      CUevent event = copied[i];
      Pointer buffer = buffers[i];
      copied[i] = null;
      buffers[i] = null;
      capacity[i] = 0;
      if (event != null) {
        cleanup.run(() -> calls.synchronize(event));
        cleanup.run(() -> calls.destroy(event));
      }
      if (buffer != null) {
        cleanup.run(() -> calls.freeHost(buffer));
      }
    }
    cleanup.finish();
  }
}
