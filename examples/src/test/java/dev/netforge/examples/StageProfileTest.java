package dev.netforge.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netforge.runtime.StageProfile;
import dev.netforge.runtime.nn.StageTimes;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * {@code CompiledNetwork.profileStages}: every stage of a generated two-tower network is listed with its multiply-adds
 * and timed, each tower's object on its own (and reported so: {@link StageProfile.Row#objectMillis}).
 */
class StageProfileTest {
  private static final int BATCH = 2;

  @Test
  void timesEachPassOfEveryStageUntilStopped() {
    MiniAlexNet net = new MiniAlexNet();
    net.initialize(1);
    float[] input = new float[BATCH * net.inputSize()];
    Arrays.fill(input, 0.5f);
    int[] labels = {3, 7};
    step(net, input, labels);

    StageProfile profile = net.profileStages();
    assertEquals(13, profile.rows().size());
    assertEquals(MiniAlexNet.MULTIPLY_ADDS, profile.rows().stream().mapToLong(StageProfile.Row::multiplyAdds).sum(), "the summary's total");
    StageProfile.Row conv1 = profile.rows().get(0);
    StageProfile.Row conv2 = profile.rows().get(3);
    assertEquals(1_254_400, conv1.multiplyAdds());
    assertEquals(conv1.multiplyAdds(), conv1.backwardMultiplyAdds(), "conv1's backward pass: the weight gradient only");
    assertEquals(2 * conv2.multiplyAdds(), conv2.backwardMultiplyAdds(), "conv2's: the weight and the input gradient");
    step(net, input, labels);
    step(net, input, labels);
    for (StageProfile.Row row : profile.rows()) {
      // conv1's towers read the same input, so one object runs all their filters; every other stage has one per tower.
      int objects = row == conv1 ? 1 : 2;
      assertEquals(objects, row.times().size(), row.name() + ": its objects");
      for (StageTimes t : row.times()) {
        assertEquals(2, t.forwardPasses(), row.name());
        assertEquals(2, t.backwardPasses(), row.name());
        assertTrue(t.forwardNanos() > 0 && t.backwardNanos() > 0, row.name());
      }
      assertTrue(row.forwardMillis() > 0 && row.backwardMillis() > 0, row.name());
      double[] towers = row.objectMillis();
      assertEquals(objects, towers.length, row.name());
      double sum = 0;
      for (int i = 0; i < towers.length; i++) {
        StageTimes t = row.times().get(i);
        assertEquals((t.forwardNanos() + t.backwardNanos()) / 2e6, towers[i], 1e-9, row.name() + ", object " + i + ": its passes' mean");
        sum += towers[i];
      }
      assertEquals(row.forwardMillis() + row.backwardMillis(), sum / objects, 1e-9, row.name() + ": the objects' mean");
    }

    profile.reset();
    step(net, input, labels);
    profile.stop();
    step(net, input, labels);
    for (StageProfile.Row row : profile.rows()) {
      for (StageTimes t : row.times()) {
        assertEquals(1, t.forwardPasses(), row.name() + ": counted from the reset, and not after stop");
        assertEquals(1, t.backwardPasses(), row.name());
      }
    }
  }

  private static void step(MiniAlexNet net, float[] input, int[] labels) {
    net.forward(input, BATCH, true);
    net.backward(labels, null);
  }
}
