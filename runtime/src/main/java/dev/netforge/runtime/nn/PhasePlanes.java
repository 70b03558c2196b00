package dev.netforge.runtime.nn;

import java.util.Arrays;

/**
 * A convolution of stride S &gt; 1 as a stride-1 convolution over the S² phase planes of its zero-padded input ("space
 * to depth"), so that {@link WinogradConvolution} can compute it: writing each tap as {@code ky = S·a + py}, {@code kx =
 * S·b + px},
 *
 * <pre>
 * y[o, i, j] = Σ_c Σ_(ky, kx) W[o, c, ky, kx] · xpad[c, S·i + ky, S·j + kx]
 *            = Σ_(c, py, px) Σ_(a, b) W'[o, (c, py, px), a, b] · P[(c, py, px), i + a, j + b]
 *
 * P[(c, py, px), r, q]     = xpad[c, S·r + py, S·q + px]     (zero past xpad's edge)
 * W'[o, (c, py, px), a, b] = W[o, c, S·a + py, S·b + px]     (zero where S·a + py or S·b + px reaches K)
 * </pre>
 *
 * a K'×K' convolution, {@code K' = ⌈K / S⌉}, over {@code C·S²} planes of {@code (outHeight + K' − 1) × (outWidth + K'
 * − 1)}, without padding ({@link #phases}). The AlexNets' conv1 (11×11 at stride 4 over 3 channels) is a 3×3
 * convolution over 48 planes of 57×57: by F(4×4, 3×3), 2.25 multiplications per output, input plane and filter, 108 per
 * output and filter where the direct convolution takes 363 (the 12×12 filters' extra taps are zeros). Its weight
 * gradient is the phase form's, by F(3×3, 4×4) ({@link WinogradWeightGradient}), folded back to K×K taps ({@link
 * #foldGradient}): every tap of W is one tap of W', so folding each leaf's sum adds the same numbers as folding their
 * total.
 *
 * <p>Measured on AlexNetTorchvision's conv1 (docs/performance.md, session 33): the layer alone 83–92 ms forward and
 * 104–114 ms backward by im2col, 74–86 and 101–112 this way; inside a training step 89 + 114 ms against 79 + 107. The
 * gathering of P's rows (below) and the stores of the 55×55 outputs take as long as the GEMMs.
 *
 * <p>P is never written out: {@link WinogradConvolution#transformInput} gathers the rows of each plane it needs from x
 * ({@link #copyRows}, by {@link StridedRead}). The input gradient stays im2col's ({@link Conv2d}): it would have to be scattered back from the
 * phase planes, and the AlexNets' strided convolution is their first, which has none.
 *
 * @param strided the convolution as declared
 * @param phases the same convolution over the phase planes: stride 1, no padding, {@code C·S²} input channels (phase
 *     (py, px) of channel c is channel {@code c·S² + py·S + px})
 */
record PhasePlanes(ConvShape strided, ConvShape phases) {
  /**
   * Input planes times filters (of one tower slice) from which a strided convolution runs this way: the AlexNets'
   * conv1, 48 × 48 a tower (AlexNet2012) and 48 × 64 (AlexNetTorchvision). Smaller products were not measured.
   */
  private static final int MIN_CHANNEL_PRODUCT = 2_048;

  private static final StridedRead STRIDED_READ = StridedRead.forThisJvm();

  /** The phase filters' side this class computes: the 3×3 of F(4×4, 3×3). */
  private static final int PHASE_KERNEL = 3;

  /**
   * Whether {@code outCount} filters of {@code s} run this way, forward and (where the layer has no input gradient)
   * weight gradient: a strided convolution whose phase filters are 3×3 (for a K×K one at stride S, {@code 2S < K ≤ 3S},
   * where F(4×4, 3×3)'s 2.25·S² multiplications per output and input channel are under 0.57 times the direct K²), over
   * enough planes and filters for the GEMMs to pay.
   */
  static boolean applies(ConvShape s, int outCount) {
    int stride = s.stride();
    if (stride < 2 || phaseKernel(s) != PHASE_KERNEL) {
      return false;
    }
    return (long) s.groupInputs() * stride * stride * outCount >= MIN_CHANNEL_PRODUCT;
  }

  /** The side of {@code s}'s phase filters, ⌈K / S⌉. */
  private static int phaseKernel(ConvShape s) {
    return (s.kernel() + s.stride() - 1) / s.stride();
  }

  /** {@code s} and its phase form. */
  static PhasePlanes of(ConvShape s) {
    int squared = s.stride() * s.stride();
    int kernel = phaseKernel(s);
    ConvShape phases = new ConvShape(s.inChannels() * squared, s.outHeight() + kernel - 1, s.outWidth() + kernel - 1, s.outChannels(),
        s.outHeight(), s.outWidth(), kernel, 1, 0, s.groupInputs() * squared);
    return new PhasePlanes(s, phases);
  }

  /** The phase form's first input channel for a tower slice whose inputs start at channel {@code inStart}. */
  int phaseChannel(int inStart) {
    return inStart * strided.stride() * strided.stride();
  }

  /**
   * Writes the phase filters W' of filters {@code [first, first + count)} of {@code weight} (K×K taps, {@code
   * strided.patch()} a filter) to {@code into}, {@code phases.patch()} a filter, from filter {@code first} at 0: each
   * tap at its {@link #phaseTap}, the phase taps no tap maps to zero.
   */
  void rearrangeFilters(float[] weight, int first, int count, float[] into) {
    Arrays.fill(into, 0, count * phases.patch(), 0f);
    int taps = strided.patch();
    for (int o = 0; o < count; o++) {
      for (int tap = 0; tap < taps; tap++) {
        into[o * phases.patch() + phaseTap(tap)] = weight[(first + o) * taps + tap];
      }
    }
  }

  /**
   * Writes the K×K weight gradient of {@code count} filters to {@code dW[dWOff + o · strided.patch() + …]} from their
   * phase form's ({@code phaseGradient}, {@code phases.patch()} a filter): each tap's from its {@link #phaseTap}, the
   * phase taps no tap maps to dropped.
   */
  void foldGradient(float[] phaseGradient, int count, float[] dW, int dWOff) {
    int taps = strided.patch();
    for (int o = 0; o < count; o++) {
      for (int tap = 0; tap < taps; tap++) {
        dW[dWOff + o * taps + tap] = phaseGradient[o * phases.patch() + phaseTap(tap)];
      }
    }
  }

  /**
   * Where tap {@code c · K² + ky · K + kx} of a K×K filter lies in its phase filter: tap (ky / S, kx / S) of phase
   * plane (c, ky mod S, kx mod S).
   */
  private int phaseTap(int tap) {
    int k = strided.kernel();
    int stride = strided.stride();
    int kp = phases.kernel();
    int c = tap / (k * k);
    int ky = tap / k % k;
    int kx = tap % k;
    int plane = (c * stride + ky % stride) * stride + kx % stride;
    return plane * kp * kp + ky / stride * kp + kx / stride;
  }

  /**
   * Copies rows {@code [rowStart, rowEnd)} of phase plane {@code channel} (of the phase form's channels) of {@code
   * example} from {@code x} (examples of {@code strided.inChannels()} planes) to {@code planes[at + r · width + q]}.
   * What lies past x's edge is written as zeros: the phases' edges differ, so another phase plane's values may be
   * there.
   */
  void copyRows(float[] x, int example, int channel, int rowStart, int rowEnd, float[] planes, int at, int width) {
    int stride = strided.stride();
    int pad = strided.padding();
    int inWidth = strided.inWidth();
    int planeWidth = phases.inWidth();
    int c = channel / (stride * stride);
    int py = channel / stride % stride;
    int px = channel % stride;
    int src = (example * strided.inChannels() + c) * strided.inPlane();
    // Columns q with 0 ≤ S·q + px − pad < inWidth.
    int qStart = Math.min(planeWidth, (pad - px + stride - 1) / stride);
    int qEnd = Math.max(qStart, Math.min(planeWidth, (inWidth + pad - px + stride - 1) / stride));
    for (int r = rowStart; r < Math.min(rowEnd, phases.inHeight()); r++) {
      int iy = stride * r + py - pad;
      int to = at + r * width;
      if (iy < 0 || iy >= strided.inHeight()) {
        Arrays.fill(planes, to, to + planeWidth, 0f);
        continue;
      }
      Arrays.fill(planes, to, to + qStart, 0f);
      int row = src + iy * inWidth + px - pad;
      STRIDED_READ.copy(x, row + stride * qStart, stride, planes, to + qStart, qEnd - qStart);
      Arrays.fill(planes, to + qEnd, to + planeWidth, 0f);
    }
  }
}
