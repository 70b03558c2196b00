package dev.netforge.runtime.gemm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netforge.runtime.Parallel;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class PeakFlopsTest {
  /**
   * Every worker reports its own rate, and all at once can go no faster than their rates added up: the round's wall
   * time is at least each worker's own.
   */
  @Test
  void eachWorkerReportsItsOwnRateAndTheirSumBoundsTheWhole() {
    int threads = Parallel.shared().threads();
    PeakFlops.Peak peak = PeakFlops.measure(threads);
    assertEquals(threads, peak.workerGflops().length);
    assertTrue(Arrays.stream(peak.workerGflops()).allMatch(g -> g > 0), Arrays.toString(peak.workerGflops()));
    double sum = Arrays.stream(peak.workerGflops()).sum();
    assertTrue(peak.gflops() > 0 && peak.gflops() <= sum * 1.001, peak.gflops() + " against the workers' " + Arrays.toString(peak.workerGflops()));
  }

  @Test
  void spreadIsHowFarTheSlowestWorkerFellBelowTheFastest() {
    assertEquals(0.2, new PeakFlops.Peak(9, new double[] {5, 4}).spread(), 1e-12);
    assertEquals(0.2, new PeakFlops.Peak(9, new double[] {4, 5, 4.5}).spread(), 1e-12);
    assertEquals(0, new PeakFlops.Peak(10, new double[] {5, 5}).spread(), 1e-12);
    assertEquals(0, new PeakFlops.Peak(5, new double[] {5}).spread(), 1e-12);
  }
}
