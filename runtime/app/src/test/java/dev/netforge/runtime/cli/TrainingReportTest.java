package dev.netforge.runtime.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netforge.runtime.train.EpochResult;
import dev.netforge.runtime.train.Evaluation;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The epoch line: its warning about boxed vectors, given where the steps' threads allocate megabytes and only there;
 * its learning rate, as a range where the schedule moved it within the epoch.
 */
class TrainingReportTest {
  private static final int STEPS = 40;

  /** Keeps each step's allocation reachable until the step is over, so that the JIT cannot drop it. */
  private static volatile byte[] sink;

  @TempDir Path dir;

  @Test
  void anEpochWhoseStepsAllocateMegabytesIsReported() throws IOException {
    String out = epoch(2_000_000);
    assertTrue(out.contains("warning: epoch 1's training steps allocated"), out);
    assertTrue(out.contains("--resume"), out);
  }

  @Test
  void anEpochWhoseStepsAllocateLittleIsNot() throws IOException {
    String out = epoch(10_000);
    assertTrue(out.startsWith("epoch 1: "), out);
    assertFalse(out.contains("warning"), out);
  }

  @Test
  void aRateHeldForTheEpochIsPrintedOnce() {
    assertEquals("0.0300000", TrainingReport.learningRates(result(0.03, 0.03)));
  }

  @Test
  void aRateThatMovedWithinTheEpochIsPrintedFromItsFirstStepToItsLast() {
    assertEquals("0.000178000 to 0.0300000", TrainingReport.learningRates(result(0.000178, 0.03)));
  }

  private static EpochResult result(double firstRate, double lastRate) {
    return new EpochResult(1, 0.5, 0.5, new Evaluation(0.5, 0.5, 0.9, new long[0][0], 10), firstRate, lastRate, 1, 100);
  }

  /** One epoch of {@value #STEPS} steps, each allocating {@code bytesPerStep} on this (the training) thread; what it printed. */
  private String epoch(int bytesPerStep) throws IOException {
    TrainingReport report = new TrainingReport(dir, 1, false, true, 0);
    PrintStream stdout = System.out;
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
    try {
      for (int step = 1; step <= STEPS; step++) {
        sink = new byte[bytesPerStep];
        report.step(1, step, STEPS, 0.5, 0.5, 100);
      }
      report.epoch(result(0.01, 0.01));
    } finally {
      System.setOut(stdout);
    }
    return printed.toString(StandardCharsets.UTF_8);
  }
}
