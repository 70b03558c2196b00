package dev.netforge.runtime.cli;

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

/** The epoch line's warning about boxed vectors: given where the steps' threads allocate megabytes, and only there. */
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
      report.epoch(new EpochResult(1, 0.5, 0.5, new Evaluation(0.5, 0.5, 0.9, new long[0][0], 10), 0.01, 1, 100));
    } finally {
      System.setOut(stdout);
    }
    return printed.toString(StandardCharsets.UTF_8);
  }
}
