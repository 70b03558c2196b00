package dev.netforge.runtime.onnx;

import dev.netforge.runtime.BufferPlan;
import dev.netforge.runtime.CompiledNetwork;

/**
 * A network whose description (UpsamplingNetwork.network.json) holds a layer kind the exporter does not know, as a
 * newer processor could write: the export must be refused naming that layer, not written without it.
 */
final class UpsamplingNetwork extends CompiledNetwork {
  UpsamplingNetwork() {
    super("UpsamplingNetwork", 1, new int[] {1, 2, 2}, new int[] {1, 4, 4}, false, Init.PAPER, new BufferPlan(1, 1, "none", 1));
  }

  @Override
  protected void planForward(int batchSize) {}

  @Override
  protected void planBackward(int batchSize) {}

  @Override
  protected float[] forwardPass(float[] input, int batchSize, boolean training) {
    return new float[batchSize * 16];
  }

  @Override
  protected void backwardPass(float[] outputGradient, int batchSize, float[] inputGradient) {}

  @Override
  public String summary() {
    return "UpsamplingNetwork: one nearest-neighbour upsampling";
  }
}
