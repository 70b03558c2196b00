package dev.netforge.runtime.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The order in which a GPU's kernels are looked for, against a fake driver and a fake NVRTC. */
class KernelLoaderTest {
  private static final String SOURCE = "extern \"C\" __global__ void k() {}\n";
  private static final String PTX_75 = "//\n.version 9.0\n.target sm_75\n.address_size 64\n";
  private static final byte[] CUBIN = {0x7f, 'E', 'L', 'F'};

  @TempDir
  Path cache;

  @BeforeEach
  void useTheTemporaryCache() {
    System.setProperty("netforge.cache", cache.toString());
  }

  @AfterEach
  void forgetIt() {
    System.clearProperty("netforge.cache");
  }

  /** A driver that loads only images it is told to accept, and remembers each it was offered. */
  private static final class FakeDriver implements KernelLoader.Driver {
    final List<String> offered = new ArrayList<>();
    boolean acceptsPtx;
    boolean acceptsCubin = true;

    @Override
    public String load(byte[] image) {
      boolean ptx = image[image.length - 1] == 0;
      offered.add(ptx ? "ptx" : "cubin");
      return (ptx ? acceptsPtx : acceptsCubin) ? null : "CUDA_ERROR_UNSUPPORTED_PTX_VERSION (driver CUDA 12.4)\nptxas fatal";
    }
  }

  /** NVRTC 12.6, or a missing one. */
  private static final class FakeNvrtc implements KernelLoader.Compiler {
    final List<String> compiled = new ArrayList<>();
    boolean missing;

    @Override
    public String version() {
      return "12.6";
    }

    @Override
    public int[] supportedArchs() {
      if (missing) {
        throw new CudaException("NVRTC, CUDA's runtime compiler, cannot be loaded (libnvrtc.so.12 not found)");
      }
      return new int[] {75, 80, 86, 89, 90};
    }

    @Override
    public byte[] compile(String name, String source, NvrtcTarget target) {
      compiled.add(target.option());
      return target.cubin() ? CUBIN : KernelLoader.image(".target " + target.option());
    }
  }

  private final FakeDriver driver = new FakeDriver();
  private final FakeNvrtc nvrtc = new FakeNvrtc();

  @Test
  void theBuildsPtxLoadsWithoutNvrtc() {
    driver.acceptsPtx = true;
    nvrtc.missing = true;
    KernelLoader.load(new KernelModule("Net", SOURCE, PTX_75), 90, driver, nvrtc);
    assertEquals(List.of("ptx"), driver.offered);
    assertEquals(List.of(), nvrtc.compiled);
  }

  @Test
  void ptxTheDriverRefusesIsCompiledToACubinAndCachedForTheNextRun() throws Exception {
    KernelLoader.load(new KernelModule("Net", SOURCE, PTX_75), 90, driver, nvrtc);
    assertEquals(List.of("ptx", "cubin"), driver.offered);
    assertEquals(List.of("sm_90"), nvrtc.compiled);
    try (var files = Files.walk(cache)) {
      Path kept = files.filter(f -> f.toString().endsWith(".bin")).findFirst().orElseThrow();
      assertArrayEquals(CUBIN, Files.readAllBytes(kept));
    }

    FakeDriver next = new FakeDriver();
    nvrtc.missing = true;
    KernelLoader.load(new KernelModule("Net", SOURCE, PTX_75), 90, next, nvrtc);
    assertEquals(List.of("cubin"), next.offered, "the cached cubin comes first, and NVRTC is not needed");
  }

  @Test
  void ptxForANewerGpuIsNotOffered() {
    KernelLoader.load(new KernelModule("Net", SOURCE, PTX_75.replace("sm_75", "sm_90")), 86, driver, nvrtc);
    assertEquals(List.of("cubin"), driver.offered);
    assertEquals(List.of("sm_86"), nvrtc.compiled);
  }

  @Test
  void aGpuNewerThanNvrtcGetsPtxForTheDriversJit() {
    driver.acceptsPtx = true;
    KernelLoader.load(new KernelModule("Net", SOURCE, null), 120, driver, nvrtc);
    assertEquals(List.of("compute_90"), nvrtc.compiled);
  }

  @Test
  void aCacheThatCannotBeWrittenDoesNotStopTheRun() throws Exception {
    Path notADirectory = Files.writeString(cache.resolve("file"), "not a directory", StandardCharsets.UTF_8);
    System.setProperty("netforge.cache", notADirectory.toString());
    KernelLoader.load(new KernelModule("Net", SOURCE, null), 90, driver, nvrtc);
    assertEquals(List.of("cubin"), driver.offered);
  }

  @Test
  void whenNothingLoadsTheErrorNamesEveryAttempt() {
    nvrtc.missing = true;
    CudaException e = assertThrows(CudaException.class, () -> KernelLoader.load(new KernelModule("Net", SOURCE, PTX_75), 90, driver, nvrtc));
    assertTrue(e.getMessage().contains("the build's PTX: CUDA_ERROR_UNSUPPORTED_PTX_VERSION (driver CUDA 12.4)\nptxas fatal"), e.getMessage());
    assertTrue(e.getMessage().contains("NVRTC: NVRTC, CUDA's runtime compiler, cannot be loaded (libnvrtc.so.12 not found)"), e.getMessage());
  }

  @Test
  void readsThePtxTarget() {
    assertEquals(75, KernelLoader.ptxTarget(PTX_75));
    assertEquals(100, KernelLoader.ptxTarget(".version 9.0\n.target sm_100\n"));
    assertEquals(0, KernelLoader.ptxTarget("not ptx"));
  }
}
