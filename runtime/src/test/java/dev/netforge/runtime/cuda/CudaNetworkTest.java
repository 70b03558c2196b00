package dev.netforge.runtime.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The launcher's host side on fake devices: grid limits, the synchronous debug switch, and what close releases. */
class CudaNetworkTest {
  private final FakeDevice gpu0 = new FakeDevice("fake:0");
  private final FakeDevice gpu1 = new FakeDevice("fake:1");

  @AfterEach
  void switchOff() {
    System.clearProperty("netforge.cuda.sync");
  }

  @Test
  void aBatchOverTheGridLimitIsRefusedBeforeAnythingIsAllocated() {
    try (CudaNetwork cuda = new ProbeNetworkCuda(new ProbeNetwork(), List.of(gpu0, gpu1))) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> cuda.forward(new float[65_536], 65_536, false));
      assertTrue(e.getMessage().contains("65,536") && e.getMessage().contains("65,535"), e.getMessage());
      assertFalse(gpu0.calls.stream().anyMatch(c -> c.startsWith("allocate")), gpu0.calls.toString());
      cuda.forward(new float[65_535], 65_535, false);
    }
  }

  @Test
  void aLaunchOverTheGridLimitNamesItsKernel() {
    ProbeNetwork probe = new ProbeNetwork();
    probe.blocksPerExampleY = 1000;
    try (CudaNetwork cuda = new ProbeNetworkCuda(probe, List.of(gpu0, gpu1))) {
      cuda.forward(new float[65], 65, false);
      CudaException e = assertThrows(CudaException.class, () -> cuda.forward(new float[66], 66, false));
      assertTrue(e.getMessage().contains("kernel probe_forward_t0 of tower 0 needs 1 × 66000 × 1 blocks"), e.getMessage());
    }
  }

  @Test
  void theSyncSwitchNamesTheKernelThatFaulted() {
    gpu1.faultingKernel = "probe_forward_t1";
    CudaNetwork quiet = new ProbeNetworkCuda(new ProbeNetwork(), List.of(gpu0, gpu1));
    quiet.forward(new float[2], 2, false);
    CudaException late = assertThrows(CudaException.class, quiet::close);
    assertFalse(late.getMessage().contains("probe_forward_t1"), "without the switch the fault surfaces later, unnamed: " + late.getMessage());

    System.setProperty("netforge.cuda.sync", "true");
    FakeDevice faulting = new FakeDevice("fake:1");
    faulting.faultingKernel = "probe_forward_t1";
    CudaNetwork cuda = new ProbeNetworkCuda(new ProbeNetwork(), List.of(new FakeDevice("fake:0"), faulting));
    CudaException e = assertThrows(CudaException.class, () -> cuda.forward(new float[2], 2, false));
    assertTrue(e.getMessage().startsWith("ProbeNetwork: kernel probe_forward_t1 of tower 1 on fake:1 failed"), e.getMessage());
    assertTrue(e.getMessage().contains("CUDA_ERROR_ILLEGAL_ADDRESS"), e.getMessage());
    assertThrows(CudaException.class, cuda::close);
  }

  @Test
  void closeAfterAFaultFreesEveryTowerAndReportsTheFirstFailure() {
    gpu1.faultingKernel = "probe_forward_t1";
    CudaNetwork cuda = new ProbeNetworkCuda(new ProbeNetwork(), List.of(gpu0, gpu1));
    cuda.forward(new float[2], 2, false);
    CudaException e = assertThrows(CudaException.class, cuda::close);
    assertTrue(e.getMessage().contains("cuStreamSynchronize failed: fake:1: CUDA_ERROR_ILLEGAL_ADDRESS"), e.getMessage());
    assertEquals(1, e.getSuppressed().length, "the failed free of tower 1's memory is kept with it");
    assertTrue(gpu0.live.isEmpty(), "tower 0's memory is freed");
    assertTrue(gpu1.calls.contains("free"), "tower 1's memory is freed too");
  }

  @Test
  void theLaunchersOwnFailureIsTheOneReported() {
    FakeDevice refusing = new FakeDevice("fake:0") {
      @Override
      public void load(KernelModule module) {
        throw new CudaException("cannot load the kernels of " + module.name());
      }
    };
    CudaException e = assertThrows(CudaException.class, () -> CudaNetwork.of(new ProbeNetwork(), List.of(refusing)));
    assertEquals("cannot load the kernels of ProbeNetwork", e.getMessage());
  }
}
