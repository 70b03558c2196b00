package dev.netforge.runtime.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The parts of the JCuda adapter that need no GPU: reading JCuda's load errors and the build's PTX. */
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
  void readsThePtxTarget() {
    assertEquals(75, JCudaDevice.ptxTarget("//\n.version 9.0\n.target sm_75\n.address_size 64\n"));
    assertEquals(100, JCudaDevice.ptxTarget(".version 9.0\n.target sm_100\n"));
    assertEquals(0, JCudaDevice.ptxTarget("not ptx"));
  }

  @Test
  void unknownDeviceKindIsAnError() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Devices.open("tpu", 1));
    assertTrue(e.getMessage().contains("cpu, cuda, auto, emulated"), e.getMessage());
  }
}
