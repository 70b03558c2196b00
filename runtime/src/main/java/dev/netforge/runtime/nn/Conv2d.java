package dev.netforge.runtime.nn;

import dev.netforge.runtime.Parallel;
import dev.netforge.runtime.Scratch;
import dev.netforge.runtime.gemm.Epilogue;
import dev.netforge.runtime.gemm.Sgemm;
import java.util.Arrays;

/**
 * Convolution as im2col + GEMM over groups of examples. Each call computes one tower slice: output channels
 * [outStart, outStart + outCount) from the input channels [inStart, inStart + groupInputs) of their group. Small
 * output planes (13×13, 6×6) would leave the micro-kernel's column panels mostly empty and make the weight-gradient
 * GEMM reduce over a few dozen positions at a time, so several examples share one GEMM ({@link #examplesPerGemm}).
 *
 * <pre>
 * forward:  y[n, o, :]  = relu(W[o, :] · col(x[n]) + b[o]) · mask            (patches gathered straight into the
 *                                                                           GEMM's packed panels; the epilogue
 *                                                                           fused into the copy to each example)
 * backward: g           = dy · mask · [y &gt; 0];  db[o] = Σ g[:, o, :]          (one pass, {@link OutputGradient})
 *           dW[o, :]    = Σ_n g[n, o, :] · col(x[n])ᵀ                          (per-worker partials, summed in order)
 *           dx[n]      += col⁻¹(W[o, :]ᵀ · g[n, o, :])
 * </pre>
 */
public final class Conv2d {
  /** Output positions one GEMM should see at least: a few micro-kernel panels and a reduction long enough to stream. */
  private static final int GEMM_COLUMNS = 256;

  private static final int MAX_EXAMPLES_PER_GEMM = 16;

  /** The passes' loop bodies, kept per calling thread so that handing them out allocates nothing (see {@link MaxPool2d}). */
  private static final ThreadLocal<Forward> FORWARD = ThreadLocal.withInitial(Forward::new);
  private static final ThreadLocal<Backward> BACKWARD = ThreadLocal.withInitial(Backward::new);

  private Conv2d() {}

  /** Examples that share one GEMM for an output plane of {@code plane} positions. */
  static int examplesPerGemm(int plane) {
    return Math.max(1, Math.min(MAX_EXAMPLES_PER_GEMM, (GEMM_COLUMNS + plane - 1) / plane));
  }

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
    scratch.ensureWorkers(Parallel.shared().threads());
    float[] packedWeights = scratch.get(0, Scratch.Use.PACKED_WEIGHTS, Sgemm.packedASize(outCount, patch));
    Sgemm.packA(false, outCount, patch, weight, outStart * patch, patch, packedWeights);
    Forward loop = FORWARD.get();
    loop.scratch = scratch;
    loop.s = s;
    loop.x = x;
    loop.bias = bias;
    loop.y = y;
    loop.inStart = inStart;
    loop.outStart = outStart;
    loop.outCount = outCount;
    loop.relu = relu;
    loop.mask = mask;
    loop.packedWeights = packedWeights;
    Parallel.shared().forRange(batch, loop);
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
    OutputGradient.channels(dy, y, mask, relu, batch, s.outChannels(), s.outPlane(), outStart, outCount, biasGrad);
    Parallel pool = Parallel.shared();
    int workers = Math.min(pool.threads(), batch);
    scratch.ensureWorkers(pool.threads());
    // The A of every group's input-gradient GEMM, packed once for all workers: the flipped filters where the input
    // gradient is a convolution of its own (FlippedConvolution), else Wᵀ for ∂col.
    ConvShape flipped = dx != null && FlippedConvolution.applies(s, outCount) ? FlippedConvolution.shape(s, outCount) : null;
    float[] packedWeightsT = null;
    if (flipped != null) {
      packedWeightsT = scratch.get(0, Scratch.Use.PACKED_WEIGHTS, Sgemm.packedASize(s.groupInputs(), flipped.patch()));
      float[] unpacked = scratch.get(0, Scratch.Use.FLIPPED_FILTERS, s.groupInputs() * flipped.patch());
      FlippedConvolution.packFilters(s, weight, outStart, outCount, unpacked, packedWeightsT);
    } else if (dx != null) {
      packedWeightsT = scratch.get(0, Scratch.Use.PACKED_WEIGHTS, Sgemm.packedASize(patch, outCount));
      Sgemm.packA(true, patch, outCount, weight, outStart * patch, patch, packedWeightsT);
    }
    Backward loop = BACKWARD.get();
    loop.scratch = scratch;
    loop.s = s;
    loop.x = x;
    loop.dy = dy;
    loop.dx = dx;
    loop.accumulateDx = accumulateDx;
    loop.inStart = inStart;
    loop.outStart = outStart;
    loop.outCount = outCount;
    loop.packedWeightsT = packedWeightsT;
    loop.flipped = flipped;
    pool.forRange(batch, loop);
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

  /** The forward pass's loop: groups of examples, each one GEMM, the epilogue fused into the copy out. */
  private static final class Forward extends Parallel.Loop {
    Scratch scratch;
    ConvShape s;
    float[] x;
    float[] bias;
    float[] y;
    int inStart;
    int outStart;
    int outCount;
    boolean relu;
    float[] mask;
    float[] packedWeights;

    /** Examples {@code [first, end)}. */
    @Override
    public void run(int worker, int first, int end) {
      int patch = s.patch();
      int plane = s.outPlane();
      int group = examplesPerGemm(plane);
      float[] packed = scratch.get(worker, Scratch.Use.COLUMNS, Im2col.packedSize(patch, group * plane));
      float[] out = scratch.get(worker, Scratch.Use.OUTPUT_TILE, outCount * group * plane);
      float[] padded = scratch.get(worker, Scratch.Use.PADDED_INPUT, Im2col.paddedSize(s, group));
      for (int n0 = first; n0 < end; n0 += group) {
        int count = Math.min(group, end - n0);
        int columns = count * plane;
        Im2col.gatherPacked(s, x, n0, count, inStart, padded, packed, false);
        Sgemm.gemmPacked(outCount, columns, patch, packedWeights, packed, out, 0, columns, false, Epilogue.NONE);
        for (int e = 0; e < count; e++) {
          for (int o = 0; o < outCount; o++) {
            int dst = ((n0 + e) * s.outChannels() + outStart + o) * plane;
            Epilogue.biasReluMask(out, o * columns + e * plane, bias[outStart + o], relu, mask, dst, y, dst, plane);
          }
        }
      }
    }

    @Override
    protected void clear() {
      scratch = null;
      x = bias = y = mask = packedWeights = null;
    }
  }

  /** The backward pass's loop: per group of examples, ∂W into the worker's partial sum and ∂x through ∂col. */
  private static final class Backward extends Parallel.Loop {
    Scratch scratch;
    ConvShape s;
    float[] x;
    float[] dy;
    float[] dx;
    boolean accumulateDx;
    int inStart;
    int outStart;
    int outCount;
    float[] packedWeightsT;
    /** {@link FlippedConvolution#shape} where the input gradient is computed as that convolution, else {@code null}. */
    ConvShape flipped;

    /** Examples {@code [first, end)}. */
    @Override
    public void run(int worker, int first, int end) {
      int patch = s.patch();
      int plane = s.outPlane();
      int group = examplesPerGemm(plane);
      int packedSize = Im2col.packedSize(group * plane, patch);
      int paddedSize = Im2col.paddedSize(s, group);
      // Room for Im2col.scatterAdd's vector reads past the last row.
      int dcolSize = patch * group * plane + Sgemm.copySlack();
      if (flipped != null) {
        packedSize = Math.max(packedSize, Im2col.packedSize(flipped.patch(), group * s.inPlane()));
        paddedSize = Math.max(paddedSize, Im2col.paddedSize(flipped, group));
        dcolSize = s.groupInputs() * group * s.inPlane();
      }
      float[] packed = scratch.get(worker, Scratch.Use.COLUMNS, packedSize);
      float[] gradients = scratch.get(worker, Scratch.Use.OUTPUT_TILE, outCount * group * plane);
      float[] partial = scratch.get(worker, Scratch.Use.PARTIAL_WEIGHT_GRADIENT, outCount * patch);
      float[] padded = scratch.get(worker, Scratch.Use.PADDED_INPUT, paddedSize);
      float[] dcol = dx == null ? null : scratch.get(worker, Scratch.Use.COLUMN_GRADIENT, dcolSize);
      for (int n0 = first; n0 < end; n0 += group) {
        int count = Math.min(group, end - n0);
        int columns = count * plane;
        // The examples' ∂z side by side, [outCount × count·plane]: the A of ∂W and the B of ∂col.
        for (int e = 0; e < count; e++) {
          for (int o = 0; o < outCount; o++) {
            System.arraycopy(dy, ((n0 + e) * s.outChannels() + outStart + o) * plane, gradients, o * columns + e * plane, plane);
          }
        }
        Im2col.gatherPacked(s, x, n0, count, inStart, padded, packed, true);
        Sgemm.gemmPackedB(false, outCount, patch, columns, gradients, 0, columns, packed, partial, 0, patch, n0 > first, Epilogue.NONE);
        if (flipped != null) {
          FlippedConvolution.inputGradient(s, flipped, dy, n0, count, outStart, packedWeightsT, padded, packed, dcol, dx, inStart, accumulateDx);
        } else if (dx != null) {
          Sgemm.gemmPackedA(patch, columns, outCount, packedWeightsT, false, gradients, 0, columns, dcol, 0, columns, false, Epilogue.NONE);
          for (int e = 0; e < count; e++) {
            int xOff = (n0 + e) * s.inChannels() * s.inPlane();
            if (!accumulateDx) {
              int from = xOff + inStart * s.inPlane();
              Arrays.fill(dx, from, from + s.groupInputs() * s.inPlane(), 0f);
            }
            Im2col.scatterAdd(s, dcol, e * plane, columns, padded, dx, xOff, inStart);
          }
        }
      }
    }

    @Override
    protected void clear() {
      scratch = null;
      x = dy = dx = packedWeightsT = null;
      flipped = null;
    }
  }
}
