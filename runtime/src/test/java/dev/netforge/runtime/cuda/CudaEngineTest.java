package dev.netforge.runtime.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The CUDA engine's own resources on fake devices: every device is closed, whatever fails first. */
class CudaEngineTest {
  @Test
  void closeClosesEveryDeviceAfterTheLauncherFails() {
    FakeDevice gpu0 = new FakeDevice("fake:0");
    FakeDevice gpu1 = new FakeDevice("fake:1");
    CudaEngine engine = new CudaEngine(new ProbeNetwork(), List.of(gpu0, gpu1));
    gpu1.faultingKernel = "probe_forward_t1";
    engine.forward(new float[2], 2, false);
    CudaException e = assertThrows(CudaException.class, engine::close);
    assertTrue(e.getMessage().contains("ILLEGAL_ADDRESS"), e.getMessage());
    assertEquals(1, gpu0.closed.get());
    assertEquals(1, gpu1.closed.get());
  }

  @Test
  void anEngineThatCannotStartClosesItsDevices() {
    FakeDevice gpu0 = new FakeDevice("fake:0");
    FakeDevice gpu1 = new FakeDevice("fake:1") {
      @Override
      public void load(KernelModule module) {
        throw new CudaException("cannot load the kernels of " + module.name());
      }
    };
    CudaException e = assertThrows(CudaException.class, () -> new CudaEngine(new ProbeNetwork(), List.of(gpu0, gpu1)));
    assertEquals("cannot load the kernels of ProbeNetwork", e.getMessage());
    assertEquals(1, gpu0.closed.get());
    assertEquals(1, gpu1.closed.get());
  }
}
