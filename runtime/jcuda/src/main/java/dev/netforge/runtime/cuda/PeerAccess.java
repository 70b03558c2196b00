package dev.netforge.runtime.cuda;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import jcuda.driver.CUresult;

/**
 * Peer access between the GPUs a run opened. It only speeds exchanges up: {@code cuMemcpy3DPeerAsync} copies between
 * contexts without it (staged through host memory by the driver), so a pair that cannot have it, or a GPU out of peer
 * slots ({@code CUDA_ERROR_TOO_MANY_PEERS}), costs one warning, not the run.
 */
final class PeerAccess {
  /** The driver's side, by device index. */
  interface Link {
    /** {@code cuDeviceCanAccessPeer}. */
    boolean possible(int from, int to);

    /** {@code cuCtxEnablePeerAccess} in {@code from}'s context for {@code to}'s; returns the {@link CUresult}. */
    int enable(int from, int to);
  }

  private PeerAccess() {}

  /**
   * Enables peer access between every ordered pair of {@code devices} that allows it.
   *
   * @return the one warning naming the pairs whose copies go through host memory, or null when every pair has access
   * @throws CudaException when enabling fails for another reason than the device not allowing it
   */
  static String enable(int devices, Link link, IntFunction<String> describe) {
    List<String> staged = new ArrayList<>();
    for (int from = 0; from < devices; from++) {
      for (int to = 0; to < devices; to++) {
        if (from == to) {
          continue;
        }
        String pair = describe.apply(from) + " → " + describe.apply(to);
        if (!link.possible(from, to)) {
          staged.add(pair + " (not supported between these GPUs)");
          continue;
        }
        int result = link.enable(from, to);
        if (result == CUresult.CUDA_ERROR_TOO_MANY_PEERS || result == CUresult.CUDA_ERROR_PEER_ACCESS_UNSUPPORTED) {
          staged.add(pair + " (" + CUresult.stringFor(result) + ")");
        } else if (result != CUresult.CUDA_SUCCESS && result != CUresult.CUDA_ERROR_PEER_ACCESS_ALREADY_ENABLED) {
          throw new CudaException(pair + ": cuCtxEnablePeerAccess failed: " + CUresult.stringFor(result));
        }
      }
    }
    return staged.isEmpty() ? null
        : "netforge: exchanges go through host memory, slower than peer copies, for " + String.join(", ", staged);
  }
}
