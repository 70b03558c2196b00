package dev.netforge.runtime.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import jcuda.driver.CUresult;
import org.junit.jupiter.api.Test;

/** Peer access against a fake driver: what the run does when a pair cannot have it. */
class PeerAccessTest {
  /** A driver whose {@code cuCtxEnablePeerAccess} answers {@code result} from device 1, success elsewhere. */
  private static class FakeLink implements PeerAccess.Link {
    final int result;
    final List<String> enabled = new ArrayList<>();

    FakeLink(int result) {
      this.result = result;
    }

    @Override
    public boolean possible(int from, int to) {
      return true;
    }

    @Override
    public int enable(int from, int to) {
      enabled.add(from + "→" + to);
      return from == 1 ? result : CUresult.CUDA_SUCCESS;
    }
  }

  @Test
  void everyPairWithAccessNeedsNoWarning() {
    FakeLink link = new FakeLink(CUresult.CUDA_SUCCESS);
    assertNull(PeerAccess.enable(3, link, i -> "cuda:" + i));
    assertEquals(List.of("0→1", "0→2", "1→0", "1→2", "2→0", "2→1"), link.enabled);
  }

  @Test
  void tooManyPeersFallsBackToStagedCopiesWithOneWarning() {
    FakeLink link = new FakeLink(CUresult.CUDA_ERROR_TOO_MANY_PEERS);
    String warning = PeerAccess.enable(3, link, i -> "cuda:" + i);
    assertTrue(warning.contains("cuda:1 → cuda:0 (CUDA_ERROR_TOO_MANY_PEERS)"), warning);
    assertTrue(warning.contains("cuda:1 → cuda:2"), warning);
    assertEquals(1, warning.lines().count());
    assertEquals(6, link.enabled.size(), "the pairs after a refusal are still tried");
  }

  @Test
  void unsupportedPeerAccessIsAWarningToo() {
    assertTrue(PeerAccess.enable(2, new FakeLink(CUresult.CUDA_ERROR_PEER_ACCESS_UNSUPPORTED), i -> "cuda:" + i)
        .contains("PEER_ACCESS_UNSUPPORTED"));
    PeerAccess.Link impossible = new FakeLink(CUresult.CUDA_SUCCESS) {
      @Override
      public boolean possible(int from, int to) {
        return false;
      }
    };
    assertTrue(PeerAccess.enable(2, impossible, i -> "cuda:" + i).contains("not supported between these GPUs"));
  }

  @Test
  void anyOtherFailureStopsTheRun() {
    assertThrows(CudaException.class, () -> PeerAccess.enable(2, new FakeLink(CUresult.CUDA_ERROR_INVALID_CONTEXT), i -> "cuda:" + i));
  }
}
