package dev.netforge.runtime.nn;

import dev.netforge.runtime.gemm.Epilogue;
import dev.netforge.runtime.gemm.Sgemm;

/**
 * The input gradient of a stride-1 convolution computed as a forward convolution: the output gradient, zero-padded by
 * {@code kernel − 1 − padding}, correlated with the filters flipped in both directions and with input and output
 * channels swapped,
 *
 * <pre>
 * dx[c, y, x] = Σ_{o, ky, kx} g[o, y + p − ky, x + p − kx] · W[o, c, ky, kx]
 *             = Σ_{o, ky', kx'} gpad[o, y + ky', x + kx'] · W[o, c, k−1−ky', k−1−kx']     (ky' = k−1−ky, gpad padded by k−1−p)
 * </pre>
 *
 * <p>So the input gradient gathers its patches as the forward pass does ({@link Im2col}, vector gathers) and
 * writes each input element once, instead of a GEMM into a patch matrix and an add of every patch row back into the
 * image (col2im): on small planes those rows are a few floats each.
 */
final class FlippedConvolution {
  /** The widest output plane for which this pays ({@link #applies}). */
  private static final int MAX_OUTPUT_WIDTH = 8;

  private FlippedConvolution() {}

  /**
   * Whether the input gradient of a slice of {@code outCount} filters of {@code s} is computed as such a convolution:
   * it must be one (stride 1, a padding below the kernel size), and it pays only where its patches are no longer than
   * the col2im's ({@code outCount ≤ groupInputs}) and the col2im's rows are short (output width at most {@value
   * #MAX_OUTPUT_WIDTH}). Measured against col2im with vector row adds (single thread, backward ÷ forward time of the
   * same call): MiniAlexNet's 6×6 conv3-conv5 1.9-2.1 this way against 2.3-2.45; AlexNet's 13×13 conv3-conv5 1.9-2.1
   * against 1.9-2.0; MiniAlexNet's conv2 (32 inputs, 64 filters a tower) slower this way.
   */
  static boolean applies(ConvShape s, int outCount) {
    return s.stride() == 1 && s.padding() <= s.kernel() - 1 && outCount <= s.groupInputs() && s.outWidth() <= MAX_OUTPUT_WIDTH;
  }

  /**
   * The convolution whose output is the input gradient of one group slice of {@code s}: its input is the output
   * gradient (all {@code s.outChannels()} channels, of which the gather reads the slice's {@code outCount}), its
   * output the slice's {@code s.groupInputs()} input channels. {@link Conv2d} makes it once per slice.
   */
  static ConvShape shape(ConvShape s, int outCount) {
    return new ConvShape(
        s.outChannels(), s.outHeight(), s.outWidth(), s.groupInputs(), s.inHeight(), s.inWidth(), s.kernel(), 1, s.kernel() - 1 - s.padding(), outCount);
  }

  /**
   * Packs the flipped filters {@code F[c][(o·k + ky)·k + kx] = W[outStart + o][c][k−1−ky][k−1−kx]} as the GEMM's A
   * ({@link Sgemm#packA}); {@code flipped} is room for the unpacked {@code groupInputs × outCount·k²} matrix.
   */
  static void packFilters(ConvShape s, float[] weight, int outStart, int outCount, float[] flipped, float[] packed) {
    int k = s.kernel();
    int kk = k * k;
    int patch = s.patch();
    int row = outCount * kk;
    for (int o = 0; o < outCount; o++) {
      for (int c = 0; c < s.groupInputs(); c++) {
        int src = (outStart + o) * patch + c * kk;
        int dst = c * row + o * kk;
        for (int i = 0; i < kk; i++) {
          flipped[dst + i] = weight[src + kk - 1 - i];
        }
      }
    }
    Sgemm.packA(false, s.groupInputs(), row, flipped, 0, row, packed);
  }

  /**
   * The input gradient of {@code count} examples from {@code first}: {@code t} is {@link #shape}, {@code packedFilters}
   * from {@link #packFilters}; {@code padded}, {@code packed} and {@code out} are scratch of
   * {@link Im2col#paddedSize}, {@link Im2col#packedSize} and {@code groupInputs · count · inPlane} floats.
   *
   * @param accumulate add into {@code dx} (another slice already wrote these input channels) instead of overwriting
   */
  static void inputGradient(
      ConvShape s,
      ConvShape t,
      float[] g,
      int first,
      int count,
      int outStart,
      float[] packedFilters,
      float[] padded,
      float[] packed,
      float[] out,
      float[] dx,
      int inStart,
      boolean accumulate) {
    int plane = s.inPlane();
    int columns = count * plane;
    Im2col.gatherPacked(t, g, first, count, outStart, padded, packed, false);
    Sgemm.gemmPacked(s.groupInputs(), columns, t.patch(), packedFilters, 0, packed, 0, out, 0, columns, false, Epilogue.NONE);
    for (int e = 0; e < count; e++) {
      for (int c = 0; c < s.groupInputs(); c++) {
        int src = c * columns + e * plane;
        int dst = ((first + e) * s.inChannels() + inStart + c) * plane;
        if (accumulate) {
          for (int i = 0; i < plane; i++) {
            dx[dst + i] += out[src + i];
          }
        } else {
          System.arraycopy(out, src, dx, dst, plane);
        }
      }
    }
  }
}
