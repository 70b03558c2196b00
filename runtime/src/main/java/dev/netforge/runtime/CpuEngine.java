package dev.netforge.runtime;

import dev.netforge.runtime.train.Sgd;

/** The CPU engine: the generated Java passes run on the host network itself, so moving to and from the host is free. */
public final class CpuEngine implements Engine {
  private final CompiledNetwork network;

  public CpuEngine(CompiledNetwork network) {
    this.network = network;
  }

  @Override
  public CompiledNetwork network() {
    return network;
  }

  @Override
  public String describe() {
    return "cpu (" + Parallel.shared().threads() + (Parallel.shared().threads() == 1 ? " thread)" : " threads)");
  }

  @Override
  public float[] forward(float[] input, int batch, boolean training) {
    return network.forward(input, batch, training);
  }

  @Override
  public double backward(int[] labels, float[] inputGradient) {
    return network.backward(labels, inputGradient);
  }

  @Override
  public void backward(float[] gradOutput, float[] inputGradient) {
    network.backward(gradOutput, inputGradient);
  }

  @Override
  public void gradientsToHost() {
    // The backward pass writes the host's own gradients, already those of the global batch's mean.
  }

  @Override
  public void gradientsFromHost() {
    // The update reads the host's own gradients.
  }

  @Override
  public void update(Sgd sgd, double learningRate) {
    sgd.step(network.parameters(), learningRate);
  }

  @Override
  public void toHost(Sgd sgd) {
    // The parameters and momentum are the host's own arrays.
  }

  @Override
  public void fromHost(Sgd sgd) {
    // Likewise.
  }

  @Override
  public void close() {
    // Nothing is held outside the host network.
  }
}
