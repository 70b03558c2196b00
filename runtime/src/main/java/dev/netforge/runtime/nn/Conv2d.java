package dev.netforge.runtime.nn;

import dev.netforge.runtime.Parallel;
import dev.netforge.runtime.Parameter;
import dev.netforge.runtime.Scratch;
import dev.netforge.runtime.gemm.Epilogue;
import dev.netforge.runtime.gemm.Sgemm;
import java.util.Arrays;

/**
 * Convolution as im2col + GEMM over groups of examples, for one tower: its slices ({@link TowerSlice}: output channels
 * [outStart, outStart + outCount) from the input channels [inStart, inStart + groupInputs) of their group), one after
 * the other. Small output planes (13×13, 6×6) would leave the micro-kernel's column panels mostly empty and make the
 * weight-gradient GEMM reduce over a few dozen positions at a time, so several examples share one GEMM
 * ({@link #examplesPerGemm}).
 *
 * <pre>
 * forward:  y[n, o, :]  = relu(W[o, :] · col(x[n]) + b[o]) · mask            (patches gathered straight into the
 *                                                                           GEMM's packed panels; the epilogue
 *                                                                           fused into the copy to each example)
 * backward: g           = dy · mask · [y &gt; 0];  db[o] = Σ g[:, o, :]          (one pass over the slice's channels)
 *           dW[o, :]    = Σ_n g[n, o, :] · col(x[n])ᵀ                          (per-worker partials, summed in order)
 *           dx[n]      += col⁻¹(W[o, :]ᵀ · g[n, o, :])
 * </pre>
 * {@code dy} is overwritten with g.
 */
public final class Conv2d extends Stage {
  /** Output positions one GEMM should see at least: a few micro-kernel panels and a reduction long enough to stream. */
  private static final int GEMM_COLUMNS = 256;

  private static final int MAX_EXAMPLES_PER_GEMM = 16;

  private final ConvShape s;
  private final Parameter weight;
  private final Parameter bias;
  private final boolean relu;
  private final Scratch scratch;
  private final TowerSlice[] slices;
  /** The dropout multipliers of a training pass, or {@code null} for a layer without dropout. */
  private float[] mask;

  // What the loop bodies read besides the bound arrays: set by the calling thread before each loop is handed out.
  private TowerSlice slice;
  private float[] passMask;
  private int batch;
  private float[] packedWeights;

  private final Parallel.RangeBody forwardExamples = this::forwardExamples;
  private final Parallel.RangeBody outputGradientChannels = this::outputGradientChannels;
  private final Parallel.RangeBody backwardExamples = this::backwardExamples;

  /**
   * @param relu whether a ReLU follows (fused into the GEMM's epilogue)
   * @param scratch the tower's per-worker buffers
   * @param slices what this tower computes, in order
   */
  public Conv2d(ConvShape s, Parameter weight, Parameter bias, boolean relu, Scratch scratch, TowerSlice... slices) {
    this.s = s;
    this.weight = weight;
    this.bias = bias;
    this.relu = relu;
    this.scratch = scratch;
    this.slices = slices.clone();
  }

  /** Examples that share one GEMM for an output plane of {@code plane} positions. */
  static int examplesPerGemm(int plane) {
    return Math.max(1, Math.min(MAX_EXAMPLES_PER_GEMM, (GEMM_COLUMNS + plane - 1) / plane));
  }

  /**
   * Binds the forward pass's arrays.
   *
   * @param mask the dropout multipliers a training pass applies, or {@code null} for a layer without dropout
   */
  public void bind(float[] x, float[] y, float[] mask) {
    bindInputOutput(x, y);
    this.mask = mask;
  }

  @Override
  public void forward(int batch, boolean training) {
    int patch = s.patch();
    Parallel pool = Parallel.shared();
    scratch.ensureWorkers(pool.threads());
    passMask = training ? mask : null;
    for (TowerSlice sl : slices) {
      slice = sl;
      packedWeights = scratch.get(0, Scratch.Use.PACKED_WEIGHTS, Sgemm.packedASize(sl.outCount(), patch));
      Sgemm.packA(false, sl.outCount(), patch, weight.value, sl.outStart() * patch, patch, packedWeights);
      pool.forRange(batch, forwardExamples);
    }
  }

  @Override
  public void backward(int batch, boolean training) {
    int patch = s.patch();
    Parallel pool = Parallel.shared();
    int workers = Math.min(pool.threads(), batch);
    scratch.ensureWorkers(pool.threads());
    passMask = training ? mask : null;
    this.batch = batch;
    for (TowerSlice sl : slices) {
      slice = sl;
      pool.forRange(sl.outCount(), outputGradientChannels);
      // Wᵀ, the A of every group's ∂col GEMM, packed once for all workers.
      packedWeights = dx == null ? null : scratch.get(0, Scratch.Use.PACKED_WEIGHTS, Sgemm.packedASize(patch, sl.outCount()));
      if (dx != null) {
        Sgemm.packA(true, patch, sl.outCount(), weight.value, sl.outStart() * patch, patch, packedWeights);
      }
      pool.forRange(batch, backwardExamples);
      int size = sl.outCount() * patch;
      int wOff = sl.outStart() * patch;
      float[] weightGrad = weight.grad;
      System.arraycopy(scratch.get(0, Scratch.Use.PARTIAL_WEIGHT_GRADIENT, size), 0, weightGrad, wOff, size);
      for (int w = 1; w < workers; w++) {
        float[] partial = scratch.get(w, Scratch.Use.PARTIAL_WEIGHT_GRADIENT, size);
        for (int i = 0; i < size; i++) {
          weightGrad[wOff + i] += partial[i];
        }
      }
    }
  }

  /** Forward, examples {@code [first, end)}: groups of examples, each one GEMM, the epilogue fused into the copy out. */
  private void forwardExamples(int worker, int first, int end) {
    int patch = s.patch();
    int plane = s.outPlane();
    int group = examplesPerGemm(plane);
    int outStart = slice.outStart();
    int outCount = slice.outCount();
    float[] packed = scratch.get(worker, Scratch.Use.COLUMNS, Im2col.packedSize(patch, group * plane));
    float[] out = scratch.get(worker, Scratch.Use.OUTPUT_TILE, outCount * group * plane);
    float[] padded = scratch.get(worker, Scratch.Use.PADDED_INPUT, Im2col.paddedSize(s, group));
    for (int n0 = first; n0 < end; n0 += group) {
      int count = Math.min(group, end - n0);
      int columns = count * plane;
      Im2col.gatherPacked(s, x, n0, count, slice.inStart(), padded, packed, false);
      Sgemm.gemmPacked(outCount, columns, patch, packedWeights, packed, out, 0, columns, false, Epilogue.NONE);
      for (int e = 0; e < count; e++) {
        for (int o = 0; o < outCount; o++) {
          int dst = ((n0 + e) * s.outChannels() + outStart + o) * plane;
          Epilogue.biasReluMask(out, o * columns + e * plane, bias.value[outStart + o], relu, passMask, dst, y, dst, plane);
        }
      }
    }
  }

  /** Backward's first pass, the slice's channels {@code [start, end)}: g = dy · mask · [y &gt; 0] in place, and db. */
  private void outputGradientChannels(int worker, int start, int end) {
    for (int c = slice.outStart() + start; c < slice.outStart() + end; c++) {
      bias.grad[c] = OutputGradient.channel(dy, y, passMask, relu, batch, s.outChannels(), s.outPlane(), c);
    }
  }

  /** Backward, examples {@code [first, end)}: per group of examples, ∂W into the worker's partial sum and ∂x through ∂col. */
  private void backwardExamples(int worker, int first, int end) {
    int patch = s.patch();
    int plane = s.outPlane();
    int group = examplesPerGemm(plane);
    int outStart = slice.outStart();
    int outCount = slice.outCount();
    float[] packed = scratch.get(worker, Scratch.Use.COLUMNS, Im2col.packedSize(group * plane, patch));
    float[] gradients = scratch.get(worker, Scratch.Use.OUTPUT_TILE, outCount * group * plane);
    float[] partial = scratch.get(worker, Scratch.Use.PARTIAL_WEIGHT_GRADIENT, outCount * patch);
    float[] padded = scratch.get(worker, Scratch.Use.PADDED_INPUT, Im2col.paddedSize(s, group));
    float[] dcol = dx == null ? null : scratch.get(worker, Scratch.Use.COLUMN_GRADIENT, patch * group * plane);
    for (int n0 = first; n0 < end; n0 += group) {
      int count = Math.min(group, end - n0);
      int columns = count * plane;
      // The examples' ∂z side by side, [outCount × count·plane]: the A of ∂W and the B of ∂col.
      for (int e = 0; e < count; e++) {
        for (int o = 0; o < outCount; o++) {
          System.arraycopy(dy, ((n0 + e) * s.outChannels() + outStart + o) * plane, gradients, o * columns + e * plane, plane);
        }
      }
      Im2col.gatherPacked(s, x, n0, count, slice.inStart(), padded, packed, true);
      Sgemm.gemmPackedB(false, outCount, patch, columns, gradients, 0, columns, packed, partial, 0, patch, n0 > first, Epilogue.NONE);
      if (dx != null) {
        Sgemm.gemmPackedA(patch, columns, outCount, packedWeights, false, gradients, 0, columns, dcol, 0, columns, false, Epilogue.NONE);
        for (int e = 0; e < count; e++) {
          int xOff = (n0 + e) * s.inChannels() * s.inPlane();
          if (!slice.addsToInputGradient()) {
            int from = xOff + slice.inStart() * s.inPlane();
            Arrays.fill(dx, from, from + s.groupInputs() * s.inPlane(), 0f);
          }
          Im2col.scatterAdd(s, dcol, e * plane, columns, padded, dx, xOff, slice.inStart());
        }
      }
    }
  }
}
