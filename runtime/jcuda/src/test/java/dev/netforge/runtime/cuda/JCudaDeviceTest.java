package dev.netforge.runtime.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The parts of the JCuda adapter that need no GPU: reading JCuda's load errors, which devices a run opens, and that the
 * runtime finds the adapter.
 */
class JCudaDeviceTest {
  @Test
  void namesTheLibraryJCudaCouldNotLoad() {
    String jcudaMessage = "Error while loading native library \"JCudaDriver-12.6.0-linux-x86_64\"\n"
        + "Stack trace from the attempt to load the library as a resource:\n"
        + "java.lang.UnsatisfiedLinkError: /tmp/libJCudaDriver-12.6.0-linux-x86_64.so: libcuda.so.1: cannot open shared object file: "
        + "No such file or directory\n\tat java.base/jdk.internal.loader.NativeLibraries.load(Native Method)\n";
    assertEquals("libcuda.so.1 not found", JCudaDevice.missingLibrary(new UnsatisfiedLinkError(jcudaMessage)));
    assertEquals("no JCudaDriver in java.library.path", JCudaDevice.missingLibrary(new UnsatisfiedLinkError("no JCudaDriver in java.library.path")));
  }

  @Test
  void opensOneGpuPerTowerAndNoMore() {
    assertEquals(2, JCudaDevice.gpusToOpen(0, 2, 8, LocalRanks.ALONE), "a two-tower network on an 8-GPU machine opens two");
    assertEquals(1, JCudaDevice.gpusToOpen(0, 2, 1, LocalRanks.ALONE));
    assertEquals(1, JCudaDevice.gpusToOpen(0, 1, 8, LocalRanks.ALONE));
    assertEquals(1, JCudaDevice.gpusToOpen(1, 2, 8, LocalRanks.ALONE), "--gpus 1 runs both towers on one");
    assertEquals(2, JCudaDevice.gpusToOpen(4, 2, 8, LocalRanks.ALONE), "GPUs beyond the towers would stay idle");
    CudaException e = assertThrows(CudaException.class, () -> JCudaDevice.gpusToOpen(3, 2, 2, LocalRanks.ALONE));
    assertTrue(e.getMessage().contains("--gpus 3"), e.getMessage());
  }

  @Test
  void ranksOnOneHostShareItsGpusOut() {
    LocalRanks second = new LocalRanks(1, 2);
    assertEquals(2, JCudaDevice.gpusToOpen(0, 2, 4, second), "two ranks on 4 GPUs: two towers each, on two GPUs of their own");
    assertEquals(1, JCudaDevice.gpusToOpen(0, 2, 2, second), "two ranks on 2 GPUs: both towers of a rank on one");
    assertEquals(1, JCudaDevice.gpusToOpen(0, 2, 1, second), "fewer GPUs than ranks: one each, shared");
    assertEquals(2, JCudaDevice.gpusToOpen(2, 2, 2, second), "--gpus says, even where ranks then share");
  }

  @Test
  void devicesFindThisAdapterThroughTheServiceLoader() {
    assertTrue(Devices.gpus() instanceof JCudaDeviceProvider, Devices.gpus().getClass().getName());
  }
}
