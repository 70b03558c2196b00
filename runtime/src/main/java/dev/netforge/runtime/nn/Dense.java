package dev.netforge.runtime.nn;

import dev.netforge.runtime.gemm.Sgemm;

/**
 * A fully connected layer on {@code [batch, inputs]}, one tower slice of units [outStart, outStart + outCount) per
 * call. Weights are {@code [units, inputs]} (PyTorch's layout).
 *
 * <pre>
 * forward:  y[:, u]  = relu(x · W[u, :]ᵀ + b[u]) · mask       (epilogue fused into the GEMM store)
 * backward: g        = dy · mask · [y &gt; 0];  db[u] = Σ_n g[n, u]
 *           dW[u, :] = g[:, u]ᵀ · x;   dx (+)= g[:, u] · W[u, :]
 * </pre>
 */
public final class Dense {
  private Dense() {}

  public static void forward(
      float[] x, int batch, int inputs, float[] weight, float[] bias, float[] y, int units, int outStart, int outCount, boolean relu, float[] mask) {
    Sgemm.parallel(
        false, true, batch, outCount, inputs,
        x, 0, inputs,
        weight, outStart * inputs, inputs,
        y, outStart, units,
        false, bias, outStart, relu, mask);
  }

  /**
   * Backward for one tower slice; {@code dy} is overwritten with the pre-activation gradient.
   *
   * @param dx the input gradient, or {@code null} for the first layer
   * @param accumulateDx add into {@code dx} because another slice already wrote it
   */
  public static void backward(
      float[] x,
      int batch,
      int inputs,
      float[] weight,
      float[] y,
      float[] mask,
      boolean relu,
      float[] dy,
      float[] weightGrad,
      float[] biasGrad,
      float[] dx,
      boolean accumulateDx,
      int units,
      int outStart,
      int outCount) {
    OutputGradient.units(dy, y, mask, relu, batch, units, outStart, outCount, biasGrad);
    Sgemm.parallel(
        true, false, outCount, inputs, batch,
        dy, outStart, units,
        x, 0, inputs,
        weightGrad, outStart * inputs, inputs,
        false, null, 0, false, null);
    if (dx != null) {
      Sgemm.parallel(
          false, false, batch, inputs, outCount,
          dy, outStart, units,
          weight, outStart * inputs, inputs,
          dx, 0, inputs,
          accumulateDx, null, 0, false, null);
    }
  }
}
