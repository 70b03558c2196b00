package dev.netforge.runtime.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The emulator's checking mode on kernels with the bugs it is for, each of which passes in index order and fails on a
 * GPU: a block that reads another block's output of the same launch, a thread that reads another's shared-memory write
 * without a barrier between them, and a kernel that reads memory it never wrote, relying on zeros.
 */
class EmulatorCheckingTest {
  private static final String SOURCE = """
      // A running sum across blocks: block b adds its input to block b − 1's output, which no launch orders before it.
      extern "C" __global__ void running_sum(const float* x, float* y) {
        const unsigned b = blockIdx.x;
        if (threadIdx.x == 0) y[b] = x[b] + (b > 0 ? y[b - 1] : 0.0f);
      }

      // Each thread outputs its left neighbour's input through shared memory; without the barrier, the neighbour may
      // not have written it yet.
      template <bool SYNCED>
      __device__ void shift_right(const float* x, float* y) {
        __shared__ float staged[256];
        const unsigned t = threadIdx.x, i = blockIdx.x * blockDim.x + t;
        staged[t] = x[i];
        if (SYNCED) __syncthreads();
        const float left = t > 0 ? staged[t - 1] : 0.0f;
        __syncthreads();
        y[i] = left;
      }
      extern "C" __global__ void shift_right_synced(const float* x, float* y) { shift_right<true>(x, y); }
      extern "C" __global__ void shift_right_unsynced(const float* x, float* y) { shift_right<false>(x, y); }

      // Adds into y as if it were zero: true of fresh memory on neither a GPU nor a checking emulator.
      extern "C" __global__ void accumulate(const float* x, float* y) {
        const unsigned i = blockIdx.x * blockDim.x + threadIdx.x;
        y[i] += x[i];
      }

      #ifdef NETFORGE_EMULATION
      #define ENTRY(kernel, barriers)                                                                    \\
        extern "C" void netforge_emulate_##kernel(const unsigned* g, const unsigned* b, void** a) {     \\
          netforge_emulation::launch(dim3{g[0], g[1], g[2]}, dim3{b[0], b[1], b[2]}, barriers,          \\
              [&] { kernel(*static_cast<const float**>(a[0]), *static_cast<float**>(a[1])); });        \\
        }
      ENTRY(running_sum, false)
      ENTRY(shift_right_synced, true)
      ENTRY(shift_right_unsynced, true)
      ENTRY(accumulate, false)
      #endif
      """;

  private static final long SEED = 20_240_611L;
  private static final int BLOCKS = 64;
  private static final int THREADS = BLOCKS * Device.BLOCK_THREADS;

  /**
   * {@code kernel} over {@link #BLOCKS} blocks from x = 1, 2, 3, … on a fresh device; y as the kernel left it, declared
   * {@link Device#markWrittenBeforeRead written before read} or left zero.
   */
  private static float[] run(Long checkSeed, String kernel, boolean outputWrittenBeforeRead) {
    try (EmulatedDevice device = new EmulatedDevice(0, checkSeed)) {
      device.load(new KernelModule("checking", SOURCE, null));
      float[] x = ramp();
      long in = device.allocate(4L * THREADS);
      long out = device.allocate(4L * THREADS);
      if (outputWrittenBeforeRead) {
        device.markWrittenBeforeRead(out, 4L * THREADS);
      }
      device.upload(in, x, 0, THREADS);
      device.launch("checking", kernel, BLOCKS, 1, 1, in, out);
      float[] y = new float[THREADS];
      device.download(out, y, 0, THREADS);
      return y;
    }
  }

  /** 1, 2, 3, …: the kernels' input. */
  private static float[] ramp() {
    float[] x = new float[THREADS];
    for (int i = 0; i < THREADS; i++) {
      x[i] = i + 1;
    }
    return x;
  }

  @Test
  void blocksInRandomOrderCatchAnInterBlockDependency() {
    // In index order each y[b − 1] is written before block b reads it. y is left zero, so that what checking mode
    // catches here is the order alone, not the NaN of unwritten memory.
    float[] expected = new float[THREADS];
    for (int b = 0; b < BLOCKS; b++) {
      expected[b] = (b + 1) * (b + 2) / 2f;
    }
    assertArrayEquals(expected, run(null, "running_sum", false), "index order hides the dependency");
    float[] checked = run(SEED, "running_sum", false);
    assertFalse(Arrays.equals(expected, checked), "checking mode runs some block before the one it reads");
    for (float v : checked) {
      assertFalse(Float.isNaN(v));
    }
  }

  @Test
  void threadsInRandomOrderCatchAMissingBarrier() {
    float[] expected = new float[THREADS];
    for (int i = 0; i < THREADS; i++) {
      expected[i] = i % Device.BLOCK_THREADS == 0 ? 0 : i;
    }
    assertArrayEquals(expected, run(null, "shift_right_unsynced", true), "index order hides the missing barrier");
    assertFalse(Arrays.equals(expected, run(SEED, "shift_right_unsynced", true)), "checking mode runs some thread before its left neighbour");
    assertArrayEquals(expected, run(SEED, "shift_right_synced", true), "with the barrier, any order gives the same result");
  }

  @Test
  void memoryWrittenBeforeReadIsNaNInCheckingMode() {
    float[] expected = ramp();
    assertArrayEquals(expected, run(null, "accumulate", true), "zeroed memory hides the read before the write");
    float[] checked = run(SEED, "accumulate", true);
    assertTrue(Float.isNaN(checked[0]) && Float.isNaN(checked[THREADS - 1]), "reads of unwritten memory show NaN");
  }

  @Test
  void theSeedReplaysTheOrder() {
    assertArrayEquals(run(SEED, "running_sum", false), run(SEED, "running_sum", false));
    assertFalse(Arrays.equals(run(SEED, "running_sum", false), run(SEED + 1, "running_sum", false)), "another seed, another order");
  }
}
