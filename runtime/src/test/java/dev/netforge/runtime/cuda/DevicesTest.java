package dev.netforge.runtime.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** What each {@code --device} opens with the runtime alone, that is without netforge-jcuda on the class path. */
class DevicesTest {
  @Test
  void emulatedDevicesOpenOnePerTowerAndNoMore() {
    assertEquals(2, count(Devices.open("emulated", 0, 2)));
    assertEquals(1, count(Devices.open("emulated", 0, 1)));
    assertEquals(1, count(Devices.open("emulated", 1, 2)));
    assertEquals(List.of(), Devices.open("cpu", 0, 2));
  }

  private static int count(List<Device> opened) {
    opened.forEach(Device::close);
    return opened.size();
  }

  @Test
  void unknownDeviceKindIsAnError() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Devices.open("tpu", 1, 1));
    assertTrue(e.getMessage().contains("cpu, cuda, auto, emulated"), e.getMessage());
  }

  @Test
  void cudaWithoutTheJCudaAdapterSaysWhichArtifactToAddInOneLine() {
    CudaException e = assertThrows(CudaException.class, () -> Devices.open("cuda", 0, 2));
    assertTrue(e.getMessage().contains("dev.netforge:netforge-jcuda"), e.getMessage());
    assertEquals(1, e.getMessage().lines().count(), e.getMessage());
  }

  @Test
  void autoWithoutTheJCudaAdapterRunsOnTheCpu() {
    assertEquals(List.of(), Devices.open("auto", 0, 2));
  }
}
