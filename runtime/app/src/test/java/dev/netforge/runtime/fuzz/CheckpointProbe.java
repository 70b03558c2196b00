package dev.netforge.runtime.fuzz;

import dev.netforge.runtime.BufferPlan;
import dev.netforge.runtime.CompiledNetwork;

/**
 * A network with parameters and nothing else: what checkpoint loading reads into. The runtime's tests cannot use a
 * generated network (the processor runs on the examples only), and loading touches only the parameters.
 */
final class CheckpointProbe extends CompiledNetwork {
  CheckpointProbe() {
    super("CheckpointProbe", 1, new int[] {1, 2, 2}, new int[] {3}, true, Init.PAPER, new BufferPlan(4, 0, "input", 4));
    parameter("fc.weight", 4, false, 0, 3, 4);
    parameter("fc.bias", 4, true, 0, 3);
  }

  @Override
  protected void planForward(int batchSize) {
    throw new UnsupportedOperationException("a probe for checkpoint loading only");
  }

  @Override
  protected void planBackward(int batchSize) {
    throw new UnsupportedOperationException("a probe for checkpoint loading only");
  }

  @Override
  protected float[] forwardPass(float[] input, int batchSize, boolean training) {
    throw new UnsupportedOperationException("a probe for checkpoint loading only");
  }

  @Override
  protected void backwardPass(float[] outputGradient, int batchSize, float[] inputGradient) {
    throw new UnsupportedOperationException("a probe for checkpoint loading only");
  }

  @Override
  public String summary() {
    return "CheckpointProbe: fc 4 -> 3";
  }
}
