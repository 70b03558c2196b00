package dev.netforge.runtime.cuda;

import dev.netforge.runtime.CompiledNetwork;
import dev.netforge.runtime.Engine;
import dev.netforge.runtime.train.Sgd;
import java.util.List;

/** The CUDA engine: a network's generated launcher on a set of devices; whole training steps stay on the devices. */
public final class CudaEngine implements Engine {
  private final CudaNetwork launcher;
  private final List<Device> devices;

  /** Runs {@code network} on {@code devices}, which this engine closes with itself, or at once if it cannot start. */
  public CudaEngine(CompiledNetwork network, List<Device> devices) {
    this.devices = List.copyOf(devices);
    CudaNetwork started = null;
    try {
      started = CudaNetwork.of(network, devices);
      started.pushParameters(name -> null);
    } catch (RuntimeException e) {
      Cleanup cleanup = new Cleanup(e);
      if (started != null) {
        cleanup.run(started::close);
      }
      this.devices.forEach(d -> cleanup.run(d::close));
      cleanup.finish();
    }
    this.launcher = started;
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

  /** Closes the launcher and every device, even when one of them fails; reports the first failure. */
  @Override
  public void close() {
    Cleanup cleanup = new Cleanup();
    cleanup.run(launcher::close);
    devices.forEach(d -> cleanup.run(d::close));
    cleanup.finish();
  }
}
