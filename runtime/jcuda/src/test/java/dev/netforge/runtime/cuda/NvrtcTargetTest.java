package dev.netforge.runtime.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The architecture NVRTC compiles for, given what a CUDA 12.6 NVRTC supports. */
class NvrtcTargetTest {
  private static final int[] NVRTC_12_6 = {50, 52, 53, 60, 61, 62, 70, 72, 75, 80, 86, 87, 89, 90};

  @Test
  void aSupportedGpuGetsACubinOfItsOwn() {
    assertEquals("sm_90", NvrtcTarget.choose(90, NVRTC_12_6).option());
    assertEquals("sm_75", NvrtcTarget.choose(75, NVRTC_12_6).option());
  }

  @Test
  void aMinorVersionNvrtcDoesNotListGetsTheCubinItRuns() {
    assertEquals(new NvrtcTarget(87, true), NvrtcTarget.choose(88, NVRTC_12_6));
  }

  @Test
  void aGpuNewerThanNvrtcGetsPtxForTheDriverToCompile() {
    assertEquals("compute_90", NvrtcTarget.choose(100, NVRTC_12_6).option());
    assertEquals("compute_90", NvrtcTarget.choose(120, NVRTC_12_6).option());
  }

  @Test
  void aGpuOlderThanNvrtcIsAnError() {
    assertThrows(CudaException.class, () -> NvrtcTarget.choose(35, NVRTC_12_6));
  }
}
