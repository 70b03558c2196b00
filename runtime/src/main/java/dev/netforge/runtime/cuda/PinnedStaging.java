package dev.netforge.runtime.cuda;

import static jcuda.driver.JCudaDriver.cuEventCreate;
import static jcuda.driver.JCudaDriver.cuEventDestroy;
import static jcuda.driver.JCudaDriver.cuEventRecord;
import static jcuda.driver.JCudaDriver.cuEventSynchronize;
import static jcuda.driver.JCudaDriver.cuMemAllocHost;
import static jcuda.driver.JCudaDriver.cuMemFreeHost;
import static jcuda.driver.JCudaDriver.cuMemcpyHtoDAsync;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.function.Consumer;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUevent;
import jcuda.driver.CUevent_flags;
import jcuda.driver.CUstream;

/**
 * Two page-locked host buffers that uploads alternate between: the host fills one while the device may still be
 * copying the other, and the copy itself is asynchronous on the device's stream, so a batch goes up while the kernels
 * before it run. A buffer is refilled only after the copy that last read it has finished (its event). Used by one
 * thread, with the device's context current.
 */
final class PinnedStaging implements AutoCloseable {
  private final String owner;
  private final Pointer[] buffers = {new Pointer(), new Pointer()};
  private final long[] capacity = new long[2];
  private final CUevent[] copied = new CUevent[2];
  private int next;

  PinnedStaging(String owner) {
    this.owner = owner;
  }

  /**
   * Copies {@code bytes} that {@code fill} writes into a staging buffer (little-endian, as the device reads them) to
   * {@code dst}, queued on {@code stream}; returns as soon as the host's data is in the buffer.
   */
  void upload(CUdeviceptr dst, long bytes, Consumer<ByteBuffer> fill, CUstream stream) {
    int i = next;
    next ^= 1;
    if (copied[i] == null) {
      copied[i] = new CUevent();
      check(cuEventCreate(copied[i], CUevent_flags.CU_EVENT_DISABLE_TIMING), "cuEventCreate");
    } else {
      check(cuEventSynchronize(copied[i]), "cuEventSynchronize");
    }
    if (capacity[i] < bytes) {
      if (capacity[i] > 0) {
        check(cuMemFreeHost(buffers[i]), "cuMemFreeHost");
      }
      check(cuMemAllocHost(buffers[i], bytes), "cuMemAllocHost(" + bytes + " bytes)");
      capacity[i] = bytes;
    }
    fill.accept(buffers[i].getByteBuffer(0, bytes).order(ByteOrder.nativeOrder()));
    check(cuMemcpyHtoDAsync(dst, buffers[i], bytes, stream), "cuMemcpyHtoDAsync");
    check(cuEventRecord(copied[i], stream), "cuEventRecord");
  }

  @Override
  public void close() {
    for (int i = 0; i < 2; i++) {
      if (copied[i] != null) {
        cuEventSynchronize(copied[i]);
        cuEventDestroy(copied[i]);
      }
      if (capacity[i] > 0) {
        cuMemFreeHost(buffers[i]);
      }
    }
  }

  private void check(int result, String call) {
    JCudaDevice.check(result, owner + ": " + call);
  }
}
