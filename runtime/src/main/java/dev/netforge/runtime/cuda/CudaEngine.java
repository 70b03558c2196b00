package dev.netforge.runtime.cuda;

import dev.netforge.runtime.CompiledNetwork;
import dev.netforge.runtime.Engine;
import dev.netforge.runtime.Parameter;
import dev.netforge.runtime.train.Sgd;
import java.util.List;

/**
 * The CUDA engine: a network's generated launcher on a set of devices; whole training steps stay on the devices. In
 * data-parallel training the gradients alone go through the host, for the sum over the processes, and back.
 */
public final class CudaEngine implements Engine {
  private final CudaNetwork launcher;
  private final List<Device> devices;
  /** The last forward pass's batch: the examples whose loss's mean the devices' gradients are of. */
  private int batch;

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
    float[] output = launcher.forward(input, batch, training);
    this.batch = batch;
    return output;
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

  /**
   * Downloads the gradients and, when this process computes a share of the global batch, scales them by that share
   * ({@link CompiledNetwork#shareOfLoss}): the softmax kernel divides by the batch it sees, the local one, and the
   * generated kernels stay the same for one process and many; so the scaling happens here, on the host, where the
   * gradients pass on their way to the sum over processes anyway. (The CPU engine scales ∂loss/∂output instead: the
   * two differ by float rounding only.)
   */
  @Override
  public void gradientsToHost() {
    launcher.pullGradients();
    CompiledNetwork host = launcher.host();
    float share = host.shareOfLoss(batch);
    if (share != 1f) {
      for (Parameter p : host.parameters()) {
        for (int i = 0; i < p.grad.length; i++) {
          p.grad[i] *= share;
        }
      }
    }
  }

  @Override
  public void gradientsFromHost() {
    launcher.pushGradients();
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
