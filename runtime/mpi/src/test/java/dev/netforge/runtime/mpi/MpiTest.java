package dev.netforge.runtime.mpi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The binding against the system's Open MPI, two ranks on this machine: skipped where mpirun is not installed. */
class MpiTest {
  @Test
  void everyCollectiveSumsOrCopiesOnBothRanks() throws Exception {
    MpiRun.Result run = MpiRun.run(120, CollectivesMain.class.getName(), List.of(List.of(), List.of()));
    String out = run.output();
    assertEquals(0, run.exitCode(), out);
    for (int r = 0; r < 2; r++) {
      String expected = "rank " + r + " of 2: floats [-1.0, 3.0, 30.0, -1.0] doubles [1.5] longs [" + ((1L << 41) + 1) + ", 14] started [3.0, 5.0][300.0]"
          + " broadcast 42";
      assertTrue(out.contains(expected), "expected \"" + expected + "\" in:\n" + out);
    }
  }

  @Test
  void aLauncherIsRecognizedByItsEnvironment() {
    assertTrue(Mpi.launched(Map.of("OMPI_COMM_WORLD_SIZE", "2")));
    assertTrue(Mpi.launched(Map.of("PMI_SIZE", "4")));
    assertFalse(Mpi.launched(Map.of("PATH", "/usr/bin")));
  }
}
