package dev.netforge.runtime.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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

  @Test
  void ranksOnOneHostTakeDevicesOfTheirOwn() {
    assertEquals(List.of("emulated:2", "emulated:3"), describe(Devices.open("emulated", 0, 2, new LocalRanks(1, 2))));
    assertEquals(List.of("emulated:1"), describe(Devices.open("emulated", 1, 2, new LocalRanks(1, 2))));
    assertEquals(List.of("emulated:0", "emulated:1"), describe(Devices.open("emulated", 0, 2, LocalRanks.ALONE)));
  }

  @Test
  void ranksBeyondTheGpusShareThemRoundRobin() {
    LocalRanks third = new LocalRanks(2, 3);
    assertArrayEquals(new int[] {4, 5}, third.devices(2, 8));
    assertFalse(third.sharesGpus(2, 8));
    assertEquals(1, third.gpusPerRank(2), "3 ranks on 2 GPUs: one each");
    assertArrayEquals(new int[] {0}, third.devices(1, 2), "the third rank shares the first GPU");
    assertTrue(third.sharesGpus(1, 2));
    assertArrayEquals(new int[] {0}, third.devices(1, 1), "each rank sees only its own GPU (CUDA_VISIBLE_DEVICES): it takes that");
    assertThrows(IllegalArgumentException.class, () -> new LocalRanks(2, 2));
  }

  private static List<String> describe(List<Device> opened) {
    opened.forEach(Device::close);
    return opened.stream().map(Device::describe).toList();
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
