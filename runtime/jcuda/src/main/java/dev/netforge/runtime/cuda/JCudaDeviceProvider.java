package dev.netforge.runtime.cuda;

import java.util.List;

/** The GPUs of {@code --device cuda}, through JCuda; registered for {@link java.util.ServiceLoader} in META-INF/services. */
public final class JCudaDeviceProvider implements GpuDeviceProvider {
  @Override
  public List<Device> open(int requested, int towers, LocalRanks ranks) {
    return JCudaDevice.open(requested, towers, ranks);
  }
}
