package dev.netforge.runtime.nn;

import dev.netforge.runtime.Parallel;
import dev.netforge.runtime.Scratch;
import dev.netforge.runtime.gemm.Epilogue;
import dev.netforge.runtime.gemm.Sgemm;
import java.util.Arrays;

/**
 * Convolution as im2col + GEMM, one example per worker. Each call computes one tower slice: output channels
 * [outStart, outStart + outCount) from the input channels [inStart, inStart + groupInputs) of their group.
 *
 * <pre>
 * forward:  y[n, o, :]  = relu(W[o, :] · col(x[n]) + b[o]) · mask            (patches gathered straight into the
 *                                                                           GEMM's packed panels; epilogue fused
 *                                                                           into its store)
 * backward: g           = dy · mask · [y &gt; 0];  db[o] = Σ g[:, o, :]          (one pass, {@link OutputGradient})
 *           dW[o, :]    = Σ_n g[n, o, :] · col(x[n])ᵀ                          (per-worker partials, summed in order)
 *           dx[n]      += col⁻¹(W[o, :]ᵀ · g[n, o, :])
 * </pre>
 */
public final class Conv2d {
  private Conv2d() {}

  public static void forward(
      Scratch scratch,
      ConvShape s,
      float[] x,
      int batch,
      float[] weight,
      float[] bias,
      float[] y,
      int inStart,
      int outStart,
      int outCount,
      boolean relu,
      float[] mask) {
    int patch = s.patch();
    int plane = s.outPlane();
    scratch.ensureWorkers(Parallel.shared().threads());
    Parallel.shared()
        .forRange(
            batch,
            (worker, first, end) -> {
              float[] packed = scratch.get(worker, Scratch.Use.COLUMNS, Sgemm.packedSize(patch, plane));
              for (int n = first; n < end; n++) {
                Im2col.gatherPacked(s, x, n * s.inChannels() * s.inPlane(), inStart, packed, false);
                Sgemm.gemmPackedB(
                    false, outCount, plane, patch,
                    weight, outStart * patch, patch,
                    packed,
                    y, (n * s.outChannels() + outStart) * plane, plane,
                    false, Epilogue.rowBias(bias, outStart, relu, mask));
              }
            });
  }

  /**
   * Backward for one tower slice. {@code dy} is overwritten with the pre-activation gradient.
   *
   * @param dx the input gradient, or {@code null} for the first layer
   * @param accumulateDx add into {@code dx} (another slice already wrote these input channels) instead of overwriting
   */
  public static void backward(
      Scratch scratch,
      ConvShape s,
      float[] x,
      int batch,
      float[] weight,
      float[] y,
      float[] mask,
      boolean relu,
      float[] dy,
      float[] weightGrad,
      float[] biasGrad,
      float[] dx,
      boolean accumulateDx,
      int inStart,
      int outStart,
      int outCount) {
    int patch = s.patch();
    int plane = s.outPlane();
    OutputGradient.channels(dy, y, mask, relu, batch, s.outChannels(), plane, outStart, outCount, biasGrad);
    Parallel pool = Parallel.shared();
    int workers = Math.min(pool.threads(), batch);
    scratch.ensureWorkers(pool.threads());
    pool.forRange(
        batch,
        (worker, first, end) -> {
          float[] packed = scratch.get(worker, Scratch.Use.COLUMNS, Sgemm.packedSize(plane, patch));
          float[] partial = scratch.get(worker, Scratch.Use.PARTIAL_WEIGHT_GRADIENT, outCount * patch);
          float[] dcol = dx == null ? null : scratch.get(worker, Scratch.Use.COLUMN_GRADIENT, patch * plane);
          for (int n = first; n < end; n++) {
            int gOff = (n * s.outChannels() + outStart) * plane;
            Im2col.gatherPacked(s, x, n * s.inChannels() * s.inPlane(), inStart, packed, true);
            Sgemm.gemmPackedB(
                false, outCount, patch, plane,
                dy, gOff, plane,
                packed,
                partial, 0, patch,
                n > first, Epilogue.NONE);
            if (dx != null) {
              Sgemm.gemm(
                  true, false, patch, plane, outCount,
                  weight, outStart * patch, patch,
                  dy, gOff, plane,
                  dcol, 0, plane,
                  false, Epilogue.NONE);
              int xOff = n * s.inChannels() * s.inPlane();
              if (!accumulateDx) {
                int from = xOff + inStart * s.inPlane();
                Arrays.fill(dx, from, from + s.groupInputs() * s.inPlane(), 0f);
              }
              Im2col.scatterAdd(s, dcol, dx, xOff, inStart);
            }
          }
        });
    int size = outCount * patch;
    int wOff = outStart * patch;
    System.arraycopy(scratch.get(0, Scratch.Use.PARTIAL_WEIGHT_GRADIENT, size), 0, weightGrad, wOff, size);
    for (int w = 1; w < workers; w++) {
      float[] partial = scratch.get(w, Scratch.Use.PARTIAL_WEIGHT_GRADIENT, size);
      for (int i = 0; i < size; i++) {
        weightGrad[wOff + i] += partial[i];
      }
    }
  }
}
