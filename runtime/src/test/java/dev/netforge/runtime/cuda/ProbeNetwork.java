package dev.netforge.runtime.cuda;

import dev.netforge.runtime.BufferPlan;
import dev.netforge.runtime.CompiledNetwork;

/** A two-tower network with nothing to compute, for the CUDA launcher's host side; {@link ProbeNetworkCuda} runs it. */
public final class ProbeNetwork extends CompiledNetwork {
  /** Blocks in y of the probe kernel per example: a grid that grows with the batch, as large layers' do. */
  int blocksPerExampleY = 1;

  public ProbeNetwork() {
    super("ProbeNetwork", 2, new int[] {1, 1, 1}, new int[] {1}, false, Init.PAPER, new BufferPlan(2, 2, "probe", 1));
  }

  @Override
  protected void planForward(int batchSize) {}

  @Override
  protected void planBackward(int batchSize) {}

  @Override
  protected float[] forwardPass(float[] input, int batchSize, boolean training) {
    return new float[batchSize];
  }

  @Override
  protected void backwardPass(float[] outputGradient, int batchSize, float[] inputGradient) {}

  @Override
  public String summary() {
    return "ProbeNetwork: one kernel per tower";
  }
}
