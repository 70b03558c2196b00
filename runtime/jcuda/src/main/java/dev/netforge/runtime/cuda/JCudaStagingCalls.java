package dev.netforge.runtime.cuda;

import static jcuda.driver.JCudaDriver.cuEventCreate;
import static jcuda.driver.JCudaDriver.cuEventDestroy;
import static jcuda.driver.JCudaDriver.cuEventRecord;
import static jcuda.driver.JCudaDriver.cuEventSynchronize;
import static jcuda.driver.JCudaDriver.cuMemAllocHost;
import static jcuda.driver.JCudaDriver.cuMemFreeHost;
import static jcuda.driver.JCudaDriver.cuMemcpyHtoDAsync;

import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUevent;
import jcuda.driver.CUevent_flags;
import jcuda.driver.CUstream;

/** {@link PinnedStaging}'s calls through JCuda's driver API, failures named after the device that made them. */
final class JCudaStagingCalls implements PinnedStaging.Calls {
  private final String owner;

  JCudaStagingCalls(String owner) {
    this.owner = owner;
  }

  @Override
  public Pointer allocateHost(long bytes) {
    Pointer buffer = new Pointer();
    check(cuMemAllocHost(buffer, bytes), "cuMemAllocHost(" + bytes + " bytes)");
    return buffer;
  }

  @Override
  public void freeHost(Pointer buffer) {
    check(cuMemFreeHost(buffer), "cuMemFreeHost");
  }

  @Override
  public CUevent createEvent() {
    CUevent event = new CUevent();
    check(cuEventCreate(event, CUevent_flags.CU_EVENT_DISABLE_TIMING), "cuEventCreate");
    return event;
  }

  @Override
  public void record(CUevent event, CUstream stream) {
    check(cuEventRecord(event, stream), "cuEventRecord");
  }

  @Override
  public void synchronize(CUevent event) {
    check(cuEventSynchronize(event), "cuEventSynchronize");
  }

  @Override
  public void destroy(CUevent event) {
    check(cuEventDestroy(event), "cuEventDestroy");
  }

  @Override
  public void copyToDevice(CUdeviceptr dst, Pointer src, long bytes, CUstream stream) {
    check(cuMemcpyHtoDAsync(dst, src, bytes, stream), "cuMemcpyHtoDAsync");
  }

  private void check(int result, String call) {
    JCudaDevice.check(result, owner + ": " + call);
  }
}
