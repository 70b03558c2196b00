package dev.netforge.runtime.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUevent;
import jcuda.driver.CUstream;
import org.junit.jupiter.api.Test;

/** The staging buffers' bookkeeping against a fake driver whose host allocation can be made to fail. */
class PinnedStagingTest {
  /** Host memory as direct buffers; every use of a buffer that is not live is recorded as a fault. */
  private static class FakeCalls implements PinnedStaging.Calls {
    final Set<Pointer> live = Collections.newSetFromMap(new IdentityHashMap<>());
    final List<String> faults = new ArrayList<>();
    int allocations;
    boolean failAllocation;

    @Override
    public Pointer allocateHost(long bytes) {
      if (failAllocation) {
        throw new CudaException("cuMemAllocHost(" + bytes + " bytes) failed: CUDA_ERROR_OUT_OF_MEMORY");
      }
      allocations++;
      Pointer buffer = Pointer.to(ByteBuffer.allocateDirect(Math.toIntExact(bytes)));
      live.add(buffer);
      return buffer;
    }

    @Override
    public void freeHost(Pointer buffer) {
      if (!live.remove(buffer)) {
        faults.add("freed a buffer that is not live");
      }
    }

    @Override
    public CUevent createEvent() {
      return new CUevent();
    }

    @Override
    public void record(CUevent event, CUstream stream) {}

    @Override
    public void synchronize(CUevent event) {}

    @Override
    public void destroy(CUevent event) {}

    @Override
    public void copyToDevice(CUdeviceptr dst, Pointer src, long bytes, CUstream stream) {
      if (!live.contains(src)) {
        faults.add("copied from a buffer that is not live");
      }
    }
  }

  private static void upload(PinnedStaging staging, long bytes) {
    staging.upload(new CUdeviceptr(), bytes, buffer -> buffer.put(0, (byte) 1), new CUstream());
  }

  @Test
  void aFailedGrowthLeavesNoFreedBufferBehind() {
    FakeCalls calls = new FakeCalls();
    PinnedStaging staging = new PinnedStaging(calls);
    upload(staging, 64);
    upload(staging, 64);
    calls.failAllocation = true;
    CudaException e = assertThrows(CudaException.class, () -> upload(staging, 4096));
    assertTrue(e.getMessage().contains("OUT_OF_MEMORY"), e.getMessage());

    calls.failAllocation = false;
    upload(staging, 64);
    upload(staging, 64);
    staging.close();
    assertEquals(List.of(), calls.faults);
    assertTrue(calls.live.isEmpty(), "every buffer allocated is freed once");
    assertEquals(3, calls.allocations, "the buffer freed for the failed growth is allocated again");
  }

  @Test
  void closeFreesEverythingAndReportsTheFirstFailure() {
    FakeCalls calls = new FakeCalls() {
      @Override
      public void destroy(CUevent event) {
        throw new CudaException("cuEventDestroy failed: CUDA_ERROR_ILLEGAL_ADDRESS");
      }
    };
    PinnedStaging staging = new PinnedStaging(calls);
    upload(staging, 64);
    upload(staging, 64);
    CudaException e = assertThrows(CudaException.class, staging::close);
    assertTrue(e.getMessage().contains("ILLEGAL_ADDRESS"), e.getMessage());
    assertEquals(1, e.getSuppressed().length, "the second event's failure is kept beside the first");
    assertTrue(calls.live.isEmpty(), "both buffers are freed although destroying the events failed");
  }
}
