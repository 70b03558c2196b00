package dev.netforge.runtime.cuda;

import dev.netforge.runtime.CompiledNetwork;
import dev.netforge.runtime.Engine;
import dev.netforge.runtime.train.Sgd;
import java.util.List;

/** The CUDA engine: a network's generated launcher on a set of devices; whole training steps stay on the devices. */
public final class CudaEngine implements Engine {
  private final CudaNetwork launcher;
  private final List<Device> devices;

  /** Runs {@code network} on {@code devices}, which this engine closes with itself. */
  public CudaEngine(CompiledNetwork network, List<Device> devices) {
    this.launcher = CudaNetwork.of(network, devices);
    this.devices = List.copyOf(devices);
    launcher.pushParameters(name -> null);
  }

  @Override
  public CompiledNetwork network() {
    return launcher.host();
  }

  @Override
  public String describe() {
    return "cuda: " + String.join(", ", launcher.placement());
  }

  @Override
  public float[] forward(float[] input, int batch, boolean training) {
    return launcher.forward(input, batch, training);
  }

  @Override
  public double backward(int[] labels, float[] inputGradient) {
    double loss = launcher.backward(labels);
    if (inputGradient != null) {
      launcher.inputGradient(inputGradient);
    }
    return loss;
  }

  @Override
  public void backward(float[] gradOutput, float[] inputGradient) {
    launcher.backward(gradOutput);
    if (inputGradient != null) {
      launcher.inputGradient(inputGradient);
    }
  }

  @Override
  public void update(Sgd sgd, double learningRate) {
    launcher.update(learningRate, sgd.momentum(), sgd.weightDecay());
  }

  @Override
  public void toHost(Sgd sgd) {
    launcher.pullParameters(name -> sgd == null ? null : sgd.velocity(name));
  }

  @Override
  public void fromHost(Sgd sgd) {
    launcher.pushParameters(name -> sgd == null ? null : sgd.velocity(name));
  }

  @Override
  public void close() {
    launcher.close();
    devices.forEach(Device::close);
  }
}
