package dev.netforge.runtime.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * A device's worker thread on emulated devices: queued launches land before the next copy, a failed one is reported,
 * and a copy from another device waits for that device's work through an event without the host waiting.
 */
class DeviceWorkerTest {
  private static final String SOURCE = """
      extern "C" __global__ void fill(float* x, float v) { x[blockIdx.x * blockDim.x + threadIdx.x] = v; }
      #ifdef NETFORGE_EMULATION
      extern "C" void netforge_emulate_fill(const unsigned* g, const unsigned* b, void** a) {
        netforge_emulation::launch(dim3{g[0], g[1], g[2]}, dim3{b[0], b[1], b[2]}, false,
            [&] { fill(*static_cast<float**>(a[0]), *static_cast<float*>(a[1])); });
      }
      #endif
      """;

  @Test
  void launchesAreQueuedInOrderAndFailuresReported() {
    try (DeviceWorker worker = new DeviceWorker(new EmulatedDevice(0))) {
      worker.load(new KernelModule("probe", SOURCE, null));
      long x = worker.allocate(4L * 512);
      worker.launch("probe", "fill", 2, 1, 1, x, Device.floatArg(1.5f));
      worker.launch("probe", "fill", 1, 1, 1, x, Device.floatArg(2.5f));
      float[] out = new float[512];
      worker.download(x, out, 0, 512);
      assertEquals(2.5f, out[0]);
      assertEquals(2.5f, out[255]);
      assertEquals(1.5f, out[256], "the second launch covered only the first block");

      worker.launch("probe", "missing", 1, 1, 1, x, Device.floatArg(0f));
      worker.launch("probe", "fill", 2, 1, 1, x, Device.floatArg(9f));
      CudaException e = assertThrows(CudaException.class, worker::synchronize);
      assertTrue(e.getMessage().contains("no kernel missing"), e.getMessage());
      worker.download(x, out, 0, 512);
      assertEquals(2.5f, out[0], "launches after a failed one are skipped");
    }
  }

  @Test
  void aCopyAfterAnEventSeesTheSourcesEarlierWork() {
    try (DeviceWorker source = new DeviceWorker(new EmulatedDevice(0));
        DeviceWorker target = new DeviceWorker(new EmulatedDevice(1))) {
      source.load(new KernelModule("probe", SOURCE, null));
      int busy = 4096 * 256;
      long scratch = source.allocate(4L * busy);
      long x = source.allocate(4L * 256);
      long y = target.allocate(4L * 256);
      // Keep the source's thread busy, so a copy that did not wait for it would read the buffer before the fill.
      for (int i = 0; i < 4; i++) {
        source.launch("probe", "fill", 4096, 1, 1, scratch, Device.floatArg(0f));
      }
      source.launch("probe", "fill", 1, 1, 1, x, Device.floatArg(7f));
      target.waitFor(source.recordEvent());
      target.copyRows(y, 4L * 256, source, x, 4L * 256, 4L * 256, 1);
      float[] out = new float[256];
      target.download(y, out, 0, 256);
      assertEquals(7f, out[0]);
      assertEquals(7f, out[255]);
    }
  }

  @Test
  void aWaitSkippedAfterAFailureStillReleasesItsEvent() {
    FakeDevice gpu0 = new FakeDevice("fake:0");
    FakeDevice gpu1 = new FakeDevice("fake:1");
    gpu1.rejectedKernel = "broken";
    try (DeviceWorker source = new DeviceWorker(gpu0);
        DeviceWorker target = new DeviceWorker(gpu1)) {
      target.launch("probe", "broken", 1, 1, 1);
      target.waitFor(source.recordEvent());
      CudaException e = assertThrows(CudaException.class, target::synchronize);
      assertTrue(e.getMessage().contains("cuLaunchKernel(broken)"), e.getMessage());
      source.synchronize();
      assertEquals(1, gpu0.eventsRecorded.get());
      assertEquals(1, gpu0.eventsReleased.get(), "the skipped wait's event is released");
    }
  }
}
