package dev.netforge.runtime.nn;

import dev.netforge.runtime.gemm.Epilogue;
import dev.netforge.runtime.gemm.Sgemm;
import java.util.Arrays;

/**
 * The weight gradient of a 3×3 stride-1 convolution ({@link WinogradConvolution}'s shapes) by Winograd's F(3×3, 2×2):
 * {@code dW[o, c, ky, kx] = Σ_n Σ_(y, x) g[n, o, y, x] · xpad[n, c, y + ky, x + kx]}, where each 2×2 tile of g
 * contributes the correlation of its 4×4 input tile with the tile, a 3×3 result:
 *
 * <pre>
 * dW[o, c] = Aᵀ [ Σ_tiles (G g_t Gᵀ) ⊙ (Bᵀ d_t B) ] A
 *
 *      ⎡1   0⎤        ⎡1  1  1  0⎤
 * G  = ⎢½   ½⎥   Aᵀ = ⎢0  1 −1  0⎥      Bᵀ that of F(2×2, 3×3) ({@link WinogradTransforms})
 *      ⎢½  −½⎥        ⎣0  1  1  1⎦
 *      ⎣0  −1⎦
 * </pre>
 *
 * <p>The textbook F(3, 2) has Bᵀ's last row negated; negating G's last row too leaves every product the same, so the
 * input's V_ξ is exactly F(2×2, 3×3)'s, cut into tiles by {@link WinogradConvolution#transformInput}. The sum over the
 * tiles of all the leaf's examples is 16 GEMMs with a long reduction, {@code Mᵀ_ξ[c, o] = Σ_t V_ξ[c, t] · Ĝ_ξ[o, t]}, a
 * block of tiles at a time, each element summed in the same order whatever the threads. They pack V's rows and Ĝ
 * transposed ({@link Sgemm#gemm}): reading V's rows in place ({@link Sgemm#gemmRowsA}) was no faster, and inside whole
 * steps C2 sometimes compiled that kernel with its vectors boxed (550 MB allocated per AlexNetTorchvision step).
 * Against the direct ∂W = g · colᵀ: 16 multiply-adds per tile, input channel and filter instead of 36.
 */
final class WinogradWeightGradient {
  /**
   * Column panels of tiles per block, the GEMMs' reduction: one block's V and Ĝ are {@code 16 · (inputs + filters) ·
   * 32} floats a panel. Blocks of 2, 4 and 8 panels measured alike.
   */
  private static final int BLOCK_PANELS = 4;

  /** The side of the gradient's tiles: the 2 of F(3×3, 2×2). */
  private static final int TILE = 2;

  /** Points of the 4×4 transform: GEMMs per block of tiles. */
  private static final int POINTS = 16;

  private static final WinogradTransforms TRANSFORMS = WinogradTransforms.forThisJvm();

  private WinogradWeightGradient() {}

  /** Floats of the {@code work} array its transforms take ({@link WinogradConvolution#transformWork}). */
  static int transformsWorkSize() {
    return TRANSFORMS.workSize();
  }

  /**
   * Whether the weight gradient of a convolution {@link WinogradConvolution} computes is computed here: of 3×3 filters.
   * F(5×5, 2×2) for 5×5 ones (36 multiplications per tile where the direct one takes 100) was written and measured
   * slower than {@link Conv2d}'s im2col weight gradient, which reads its patch rows in place (commit b9db80c, reverted;
   * docs/performance.md, session 15).
   */
  static boolean applies(ConvShape s) {
    return s.kernel() == 3;
  }

  /** Tiles per block. */
  static int blockColumns() {
    return BLOCK_PANELS * Sgemm.panelWidth();
  }

  /**
   * Floats of the zero-padded planes of one input channel of the examples one block's tiles lie in, or of one filter's
   * four rows of gradient quads, whichever is more.
   */
  static int planesSize(ConvShape s) {
    return Math.max(WinogradConvolution.planesSize(s, TILE, blockColumns()), 4 * blockColumns());
  }

  /** Floats of one block's 16 V_ξ, rows of tiles. */
  static int transformedInputSize(ConvShape s) {
    return POINTS * inputMatrix(s.groupInputs());
  }

  /** Floats of one block's 16 Ĝ_ξ for {@code outCount} filters, rows of tiles. */
  static int transformedGradientSize(int outCount) {
    return POINTS * gradientMatrix(outCount);
  }

  /** Floats of the 16 sums Mᵀ_ξ. */
  static int sumsSize(ConvShape s, int outCount) {
    return POINTS * sumMatrix(s.groupInputs(), outCount);
  }

  // Each ξ's matrix padded past its size, as WinogradConvolution's are: at a multiple of 4 kB apart the transforms' 16
  // stores per tile and transformSums' 16 loads per element fell into the same L1 sets (conv4's backward pass 6%
  // slower in three alternating pairs).

  /** Floats from one ξ's V to the next's. */
  private static int inputMatrix(int inputs) {
    return inputs * blockColumns() + WinogradConvolution.MATRIX_PAD;
  }

  /** Floats from one ξ's Ĝ to the next's. */
  private static int gradientMatrix(int outCount) {
    return outCount * blockColumns() + WinogradConvolution.MATRIX_PAD;
  }

  /** Floats from one ξ's sum Mᵀ to the next's. */
  private static int sumMatrix(int inputs, int outCount) {
    return inputs * outCount + WinogradConvolution.MATRIX_PAD;
  }

  /**
   * Writes {@code Σ} over examples {@code [first, first + count)} of the gradient of filters {@code [outStart, outStart +
   * outCount)} to {@code dW[dWOff + o · patch + c · 9 + ky · 3 + kx]} (o counted from the first filter): x's {@code
   * s.groupInputs()} channels from {@code inStart} against g's channels {@code [outStart, outStart + outCount)} (both
   * whole tensors, examples of {@code s.inChannels()} and {@code s.outChannels()} planes). The scratch arrays are of
   * {@link #planesSize}, {@link #transformedInputSize}, {@link #transformedGradientSize} and {@link #sumsSize}.
   */
  static void leafGradient(
      ConvShape s,
      float[] x,
      float[] g,
      int first,
      int count,
      int inStart,
      int outStart,
      int outCount,
      float[] planes,
      float[] transformedInput,
      float[] transformedGradient,
      float[] sums,
      float[] dW,
      int dWOff) {
    int inputs = s.groupInputs();
    int block = blockColumns();
    int columns = count * WinogradConvolution.tiles(s, TILE);
    int inputMatrix = inputMatrix(inputs);
    int gradientMatrix = gradientMatrix(outCount);
    int sumMatrix = sumMatrix(inputs, outCount);
    for (int start = 0; start < columns; start += block) {
      int n = Math.min(block, columns - start);
      WinogradConvolution.transformInput(
          s, TILE, TRANSFORMS, x, first, start, n, inStart, planes, transformedInput, inputMatrix, block, Sgemm.panelWidth());
      transformGradient(s, g, first, start, n, outStart, outCount, planes, transformedGradient, gradientMatrix, block);
      for (int xi = 0; xi < POINTS; xi++) {
        Sgemm.gemm(false, true, inputs, outCount, n, transformedInput, xi * inputMatrix, block, transformedGradient, xi * gradientMatrix, block, sums,
            xi * sumMatrix, outCount, start > 0, Epilogue.NONE);
      }
    }
    transformSums(s, sums, sumMatrix, outCount, dW, dWOff);
  }

  /**
   * {@code Ĝ_ξ = (G g_t Gᵀ)_ξ} for each filter and the tiles {@code [start, start + n)}, at {@code out[ξ · matrix + o
   * · ld + j]}: per filter, each tile's four values of g copied into four rows of {@code quads} (zeros for the parts of
   * edge tiles outside the plane; a gather of them from the planes was boxed by C2 inside whole steps), then each
   * panel's tiles by {@link WinogradTransforms#gradient}.
   */
  private static void transformGradient(
      ConvShape s, float[] g, int first, int start, int n, int outStart, int outCount, float[] quads, float[] out, int matrix, int ld) {
    int outWidth = s.outWidth();
    int nr = Sgemm.panelWidth();
    int panels = (n + nr - 1) / nr;
    int stride = panels * nr;
    float[] work = WinogradConvolution.transformWork();
    WinogradConvolution.TileCorners corners = WinogradConvolution.tileCorners(s, TILE, first, start, n, s.outChannels());
    // The panels' spare columns: transformed and dropped by the GEMM's k = n, but kept finite.
    for (int q = 0; q < 4; q++) {
      Arrays.fill(quads, q * stride + n, (q + 1) * stride, 0f);
    }
    for (int o = 0; o < outCount; o++) {
      int channel = (outStart + o) * s.outPlane();
      for (int j = 0; j < n; j++) {
        int at = corners.at[j] + channel;
        boolean right = corners.columns[j] > 1;
        boolean below = corners.rows[j] > 1;
        quads[j] = g[at];
        quads[stride + j] = right ? g[at + 1] : 0f;
        quads[2 * stride + j] = below ? g[at + outWidth] : 0f;
        quads[3 * stride + j] = right && below ? g[at + outWidth + 1] : 0f;
      }
      for (int panel = 0; panel < panels; panel++) {
        TRANSFORMS.gradient(quads, panel * nr, stride, out, o * ld + panel * nr, matrix, work);
      }
    }
  }

  /** {@code dW[o, c] = Aᵀ M A} from the 16 sums {@code Mᵀ_ξ[c, o]}. */
  private static void transformSums(ConvShape s, float[] sums, int matrix, int outCount, float[] dW, int dWOff) {
    int patch = s.patch();
    for (int c = 0; c < s.groupInputs(); c++) {
      for (int o = 0; o < outCount; o++) {
        int mi = c * outCount + o;
        int m = matrix;
        // Aᵀ M: rows 0 + 1 + 2, 1 − 2, 1 + 2 + 3, each of four columns.
        float p00 = sums[mi] + sums[mi + 4 * m] + sums[mi + 8 * m];
        float p01 = sums[mi + m] + sums[mi + 5 * m] + sums[mi + 9 * m];
        float p02 = sums[mi + 2 * m] + sums[mi + 6 * m] + sums[mi + 10 * m];
        float p03 = sums[mi + 3 * m] + sums[mi + 7 * m] + sums[mi + 11 * m];
        float p10 = sums[mi + 4 * m] - sums[mi + 8 * m];
        float p11 = sums[mi + 5 * m] - sums[mi + 9 * m];
        float p12 = sums[mi + 6 * m] - sums[mi + 10 * m];
        float p13 = sums[mi + 7 * m] - sums[mi + 11 * m];
        float p20 = sums[mi + 4 * m] + sums[mi + 8 * m] + sums[mi + 12 * m];
        float p21 = sums[mi + 5 * m] + sums[mi + 9 * m] + sums[mi + 13 * m];
        float p22 = sums[mi + 6 * m] + sums[mi + 10 * m] + sums[mi + 14 * m];
        float p23 = sums[mi + 7 * m] + sums[mi + 11 * m] + sums[mi + 15 * m];
        // (Aᵀ M) A: the same combination of each row's columns.
        int at = dWOff + o * patch + c * 9;
        putTaps(dW, at, p00, p01, p02, p03);
        putTaps(dW, at + 3, p10, p11, p12, p13);
        putTaps(dW, at + 6, p20, p21, p22, p23);
      }
    }
  }

  /** One row of three taps from a row of (Aᵀ M): p0 + p1 + p2, p1 − p2, p1 + p2 + p3. */
  private static void putTaps(float[] dW, int at, float p0, float p1, float p2, float p3) {
    dW[at] = p0 + p1 + p2;
    dW[at + 1] = p1 - p2;
    dW[at + 2] = p1 + p2 + p3;
  }
}
