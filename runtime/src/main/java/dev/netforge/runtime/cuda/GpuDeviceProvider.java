package dev.netforge.runtime.cuda;

import java.util.List;

/**
 * Where {@code --device cuda} gets its GPUs. The runtime carries no GPU binding, so that a network run on the CPU pulls
 * in no JCuda jars and natives; netforge-jcuda provides the implementation ({@code JCudaDeviceProvider}), which
 * {@link Devices} finds with {@link java.util.ServiceLoader} when that jar is on the class path.
 */
public interface GpuDeviceProvider {
  /**
   * Opens the GPUs a network of {@code towers} towers runs on in this process.
   *
   * @param requested GPUs to use, at most one per tower; 0 for one per tower (as many as this rank's share of the host's)
   * @param ranks this process's place among the ranks on its host, which says which GPUs are its own
   * @throws CudaException naming what is missing when there is no driver or no device
   */
  List<Device> open(int requested, int towers, LocalRanks ranks);
}
