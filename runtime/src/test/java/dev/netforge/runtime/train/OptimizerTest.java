package dev.netforge.runtime.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netforge.runtime.Parameter;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The paper's update rule and the learning-rate schedules. */
class OptimizerTest {
  @Test
  void sgdFollowsThePapersUpdate() {
    Parameter p = new Parameter("w", new int[] {2}, 1, false, 0);
    p.value[0] = 1f;
    p.value[1] = -2f;
    Sgd sgd = new Sgd(List.of(p), 0.9, 0.0005);
    double lr = 0.01;
    double v0 = 0;
    double v1 = 0;
    double w0 = 1;
    double w1 = -2;
    for (int step = 0; step < 3; step++) {
      p.grad[0] = 0.5f * (step + 1);
      p.grad[1] = -0.25f;
      // v ← 0.9·v − 0.0005·ε·w − ε·∂L/∂w;  w ← w + v
      v0 = 0.9 * v0 - 0.0005 * lr * w0 - lr * p.grad[0];
      v1 = 0.9 * v1 - 0.0005 * lr * w1 - lr * p.grad[1];
      w0 += v0;
      w1 += v1;
      sgd.step(List.of(p), lr);
      assertEquals(w0, p.value[0], 1e-6);
      assertEquals(w1, p.value[1], 1e-6);
      assertEquals(v0, sgd.velocity("w")[0], 1e-6);
    }
  }

  @Test
  void aLargeTensorSplitOverTheWorkersGetsEveryElementsUpdate() {
    // Above the size from which the update is split over the worker pool, odd so the chunks are uneven.
    int n = (1 << 17) + 3;
    Parameter p = new Parameter("big", new int[] {n}, 1, false, 0);
    float[] w = new float[n];
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      p.value[i] = w[i] = (i % 7) * 0.25f - 0.5f;
    }
    Sgd sgd = new Sgd(List.of(p), 0.9, 0.0005);
    float lr = 0.05f;
    float decay = (float) (0.0005 * lr);
    for (int step = 0; step < 2; step++) {
      for (int i = 0; i < n; i++) {
        p.grad[i] = (i % 5) * 0.125f - 0.25f + step;
        v[i] = 0.9f * v[i] - decay * w[i] - lr * p.grad[i];
        w[i] += v[i];
      }
      sgd.step(List.of(p), lr);
      for (int i = 0; i < n; i++) {
        assertEquals(w[i], p.value[i], "w[" + i + "] after step " + step);
        assertEquals(v[i], sgd.velocity("big")[i], "v[" + i + "] after step " + step);
      }
    }
  }

  @Test
  void stepsPastTheRunAreTheStepFormsEpochsBeyondIt() {
    assertEquals(List.of(5, 7), LearningRateSchedule.parse("step:3,5,7:0.1", 0.1, 4, 10).stepsPast(4));
    assertEquals(List.of(), LearningRateSchedule.parse("step:3,4:0.1", 0.1, 4, 10).stepsPast(4));
    assertEquals(List.of(), LearningRateSchedule.parse("cosine:0.5", 0.1, 4, 10).stepsPast(4));
  }

  @Test
  void stepScheduleMultipliesAtTheListedEpochs() {
    LearningRateSchedule s = LearningRateSchedule.parse("step:3,5:0.1", 0.1, 6, 10);
    double[] rates = new double[6];
    for (int epoch = 1; epoch <= 6; epoch++) {
      rates[epoch - 1] = s.rate(10L * (epoch - 1));
      s.endOfEpoch(epoch, 0.5);
    }
    assertEquals(0.1, rates[1], 1e-12);
    assertEquals(0.01, rates[2], 1e-12);
    assertEquals(0.01, rates[3], 1e-12);
    assertEquals(0.001, rates[4], 1e-12);
  }

  @Test
  void plateauScheduleDividesByTenWhenErrorStopsImprovingAtMostThreeTimes() {
    LearningRateSchedule s = LearningRateSchedule.parse("plateau:2", 0.01, 20, 10);
    assertFalse(s.endOfEpoch(1, 0.40));
    assertFalse(s.endOfEpoch(2, 0.30));
    assertFalse(s.endOfEpoch(3, 0.31));
    assertTrue(s.endOfEpoch(4, 0.30), "two epochs without improvement");
    assertEquals(0.001, s.rate(40), 1e-12);
    String state = s.state();
    LearningRateSchedule restored = LearningRateSchedule.parse("plateau:2", 0.01, 20, 10);
    restored.restore(state);
    assertEquals(s.rate(40), restored.rate(40));
    for (int epoch = 5; epoch < 20; epoch++) {
      s.endOfEpoch(epoch, 0.5);
    }
    assertEquals(1e-5, s.rate(190), 1e-12);
  }

  @Test
  void cosineScheduleWarmsUpLinearlyThenFallsAsHalfACosineToZeroAtTheLastStep() {
    // 4 epochs of 10 steps, 0.5 epochs (5 steps) of warm-up, peak 0.2.
    LearningRateSchedule s = LearningRateSchedule.parse("cosine:0.5", 0.2, 4, 10);
    for (int step = 0; step < 5; step++) {
      assertEquals(0.2 * (step + 1) / 5, s.rate(step), 1e-12, "warm-up step " + step);
    }
    assertEquals(0.2, s.rate(5), 1e-12, "the first step after the warm-up runs at the peak");
    assertEquals(0.2 * 0.5 * (1 + Math.cos(Math.PI * 17 / 35)), s.rate(22), 1e-12);
    assertEquals(0.2 * 0.5 * (1 + Math.cos(Math.PI * 34 / 35)), s.rate(39), 1e-12, "the last step's rate is small but not 0");
    for (int step = 6; step < 40; step++) {
      assertTrue(s.rate(step) < s.rate(step - 1), "falls at every step after the warm-up, step " + step);
    }
    assertEquals(0.0, s.rate(40), 1e-12, "the end of the run");
    LearningRateSchedule noWarmUp = LearningRateSchedule.parse("cosine:0", 0.2, 4, 10);
    assertEquals(0.2, noWarmUp.rate(0), 1e-12);
    assertEquals(0.1, noWarmUp.rate(20), 1e-12, "half the peak half-way");
  }

  @Test
  void cosineScheduleIsAFunctionOfTheStepSoAResumedRunContinuesExactly() {
    LearningRateSchedule run = LearningRateSchedule.parse("cosine:1", 0.05, 5, 469);
    double[] rates = new double[5 * 469];
    for (int step = 0; step < rates.length; step++) {
      rates[step] = run.rate(step);
      if (step % 469 == 468) {
        run.endOfEpoch(step / 469 + 1, 0.5);
      }
    }
    LearningRateSchedule resumed = LearningRateSchedule.parse("cosine:1", 0.05, 5, 469);
    resumed.restore(run.state());
    for (int step = 2 * 469; step < rates.length; step++) {
      assertEquals(rates[step], resumed.rate(step), 0.0, "step " + step);
    }
  }

  @Test
  void cosineWarmUpMustBeShorterThanTheRun() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.parse("cosine:4", 0.1, 4, 10));
    assertTrue(e.getMessage().contains("shorter than the run's 4 epochs"), e.getMessage());
  }

  @Test
  void schedulesThatParseButNoRunCanUseSayWhichPart() {
    assertScheduleError("step:1,3:0.1", "epoch 1 is not one a step can start");
    assertScheduleError("step:3:-2", "the factor must be a finite number above 0");
    assertScheduleError("step:3:0", "the factor must be a finite number above 0");
    assertScheduleError("plateau:0", "the patience must be at least 1 epoch");
    assertScheduleError("plateau:2:-1", "the drops must be at least 0");
  }

  private static void assertScheduleError(String spec, String what) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.parse(spec, 0.1, 6, 10));
    assertTrue(e.getMessage().startsWith("learning-rate schedule \"" + spec + "\": " + what), e.getMessage());
  }

  @Test
  void badScheduleListsTheForms() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.parse("cosine", 0.1, 4, 10));
    assertTrue(e.getMessage().contains("use constant, step:EPOCH[,EPOCH...]:FACTOR") && e.getMessage().contains("cosine:WARMUP_EPOCHS"), e.getMessage());
  }
}
