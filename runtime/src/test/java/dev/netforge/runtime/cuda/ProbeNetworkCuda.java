package dev.netforge.runtime.cuda;

import java.util.List;

/** The launcher a generated {@code <Network>Cuda} would be for {@link ProbeNetwork}: one kernel per tower and pass. */
public final class ProbeNetworkCuda extends CudaNetwork {
  private static final Layout LAYOUT =
      new Layout(List.of(new Buffer("input", 0, 1, false), new Buffer("output", 0, 1, false)), List.of(), 0, 0, 1, 1, 0, 0);
  private final ProbeNetwork probe;

  public ProbeNetworkCuda(ProbeNetwork host, List<Device> devices) {
    super(host, devices, LAYOUT);
    this.probe = host;
  }

  @Override
  protected void forwardPass(int batchSize, boolean training) {
    for (int t = 0; t < 2; t++) {
      launch(t, "probe_forward_t" + t, 1, probe.blocksPerExampleY * batchSize, 1, at(t, 0), at(t, 1));
    }
  }

  @Override
  protected void backwardPass(int batchSize, boolean training) {}

  @Override
  protected void inputGradientPass(int batchSize, boolean training) {}

  @Override
  protected void updatePass(float momentum, float decay, float rate) {}
}
