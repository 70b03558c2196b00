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
  void stepScheduleMultipliesAtTheListedEpochs() {
    LearningRateSchedule s = LearningRateSchedule.parse("step:3,5:0.1", 0.1);
    double[] rates = new double[6];
    for (int epoch = 1; epoch <= 6; epoch++) {
      rates[epoch - 1] = s.rate();
      s.endOfEpoch(epoch, 0.5);
    }
    assertEquals(0.1, rates[1], 1e-12);
    assertEquals(0.01, rates[2], 1e-12);
    assertEquals(0.01, rates[3], 1e-12);
    assertEquals(0.001, rates[4], 1e-12);
  }

  @Test
  void plateauScheduleDividesByTenWhenErrorStopsImprovingAtMostThreeTimes() {
    LearningRateSchedule s = LearningRateSchedule.parse("plateau:2", 0.01);
    assertFalse(s.endOfEpoch(1, 0.40));
    assertFalse(s.endOfEpoch(2, 0.30));
    assertFalse(s.endOfEpoch(3, 0.31));
    assertTrue(s.endOfEpoch(4, 0.30), "two epochs without improvement");
    assertEquals(0.001, s.rate(), 1e-12);
    String state = s.state();
    LearningRateSchedule restored = LearningRateSchedule.parse("plateau:2", 0.01);
    restored.restore(state);
    assertEquals(s.rate(), restored.rate());
    for (int epoch = 5; epoch < 20; epoch++) {
      s.endOfEpoch(epoch, 0.5);
    }
    assertEquals(1e-5, s.rate(), 1e-12);
  }

  @Test
  void badScheduleListsTheForms() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.parse("cosine", 0.1));
    assertTrue(e.getMessage().contains("use constant, step:EPOCH[,EPOCH...]:FACTOR"), e.getMessage());
  }
}
