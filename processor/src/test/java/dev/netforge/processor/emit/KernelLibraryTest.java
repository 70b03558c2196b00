package dev.netforge.processor.emit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The kernel library read as the source of every kernel's signature, barrier and block size. */
class KernelLibraryTest {
  private final KernelLibrary library = KernelLibrary.get();

  @Test
  void aKernelSynchronizesWhenItsTemplateOrAnythingItCallsDoes() {
    KernelLibrary synthetic = new KernelLibrary("""
        __device__ float reduce(float v) { __shared__ float s[4]; s[threadIdx.x] = v; __syncthreads(); return s[0]; }
        template <class S>
        __device__ void sums(const float* x, float* y, int batch) { y[0] = reduce(x[0]); }
        template <class S>
        __device__ void copies(const float* x, float* y, int batch) { y[0] = x[0]; }
        extern "C" __global__ void __launch_bounds__(256)
        shared_kernel(float* w, int count) { w[0] = count; }
        constexpr int TILE = 32;
        """);
    assertTrue(synthetic.function("sums").synchronizes(), "through reduce");
    assertFalse(synthetic.function("copies").synchronizes());
    assertEquals(List.of(new KernelLibrary.Param("float*", "w"), new KernelLibrary.Param("int", "count")),
        synthetic.function("shared_kernel").params());
    assertEquals(32, synthetic.constant("TILE"));
  }

  @Test
  void theLibrarysGemmKernelsSynchronizeAndItsElementWiseOnesDoNot() {
    for (String gemm : List.of("conv_forward", "conv_backward_weight", "conv_backward_data", "dense_forward", "dense_backward_weight",
        "dense_backward_data", "bias_backward")) {
      assertTrue(library.function(gemm).synchronizes(), gemm);
    }
    for (String elementWise : List.of("lrn_forward", "lrn_backward", "max_pool_forward", "max_pool_backward", "avg_pool_forward",
        "avg_pool_backward", "relu_forward", "relu_backward", "dropout_forward", "dropout_backward", "softmax_cross_entropy", "sgd_update",
        "add_rows")) {
      assertFalse(library.function(elementWise).synchronizes(), elementWise);
    }
    assertEquals(64, library.constant("TILE"));
    assertEquals(256, library.constant("EW_THREADS"));
  }

  @Test
  void argumentsFollowTheTemplatesOrderAndMustNameEveryParameter() {
    assertEquals(List.of("IN", "OUT", "SCALE", "N"),
        library.arguments("lrn_forward", Map.of("batch", "N", "scale", "SCALE", "b", "OUT", "a", "IN")));
    IllegalStateException missing = assertThrows(IllegalStateException.class, () -> library.arguments("lrn_forward", Map.of("a", "IN")));
    assertTrue(missing.getMessage().contains("lrn_forward takes [a, b, scale, batch]"), missing.getMessage());
    assertThrows(IllegalStateException.class, () -> library.function("no_such_kernel"));
  }
}
