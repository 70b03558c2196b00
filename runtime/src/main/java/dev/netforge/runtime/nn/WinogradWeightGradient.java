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
 * G  = ⎢½   ½⎥   Aᵀ = ⎢0  1 −1  0⎥      Bᵀ the forward pass's
 *      ⎢½  −½⎥        ⎣0  1  1  1⎦
 *      ⎣0  −1⎦
 * </pre>
 *
 * <p>The textbook F(3, 2) has Bᵀ's last row negated; negating G's last row too leaves every product the same, so the
 * input's V_ξ is exactly the forward pass's ({@link WinogradConvolution#transformInput}). The sum over the tiles of all
 * the leaf's examples is 16 GEMMs with a long reduction, {@code Mᵀ_ξ[c, o] = Σ_t V_ξ[c, t] · Ĝ_ξ[o, t]}, a block of
 * tiles at a time, each element summed in the same order whatever the threads. They pack V's rows and Ĝ transposed
 * ({@link Sgemm#gemm}): reading V's rows in place ({@link Sgemm#gemmRowsA}) was no faster, and inside whole steps C2
 * sometimes compiled that kernel with its vectors boxed (550 MB allocated per AlexNetTorchvision step). Against the direct ∂W = g · colᵀ: 16 multiply-adds per
 * tile, input channel and filter instead of 36.
 */
final class WinogradWeightGradient {
  /**
   * Column panels of tiles per block, the GEMMs' reduction: one block's V and Ĝ are {@code 16 · (inputs + filters) ·
   * 32} floats a panel. Blocks of 2, 4 and 8 panels measured alike.
   */
  private static final int BLOCK_PANELS = 4;

  /**
   * F(5×5, 2×2)'s Aᵀ with D's scale factors folded into its columns ({@link Winograd5x5Transforms}): Aᵀ's rows are the
   * powers 0 to 4 of the points 0, 1, −1, 2, −2 (∞ in the last row only), D = diag(¼, −⅙, −⅙, 1/24, 1/24, 1).
   */
  private static final double[][] SCALED_AT_5X5 = scaledOutputMatrix();

  private WinogradWeightGradient() {}

  private static double[][] scaledOutputMatrix() {
    double[] points = {0, 1, -1, 2, -2};
    double[] d = {1 / 4.0, -1 / 6.0, -1 / 6.0, 1 / 24.0, 1 / 24.0, 1};
    double[][] w = new double[5][6];
    for (int i = 0; i < 5; i++) {
      for (int a = 0; a < 5; a++) {
        w[i][a] = Math.pow(points[a], i) * d[a];
      }
      w[i][5] = i == 4 ? d[5] : 0;
    }
    return w;
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
    return Math.max(WinogradConvolution.planesSize(s, blockColumns()), 4 * blockColumns());
  }

  /** Floats of one block's V_ξ, rows of tiles. */
  static int transformedInputSize(ConvShape s) {
    return WinogradConvolution.points(s) * s.groupInputs() * blockColumns();
  }

  /** Floats of one block's Ĝ_ξ for {@code outCount} filters, rows of tiles. */
  static int transformedGradientSize(ConvShape s, int outCount) {
    return WinogradConvolution.points(s) * outCount * blockColumns();
  }

  /** Floats of the sums Mᵀ_ξ. */
  static int sumsSize(ConvShape s, int outCount) {
    return WinogradConvolution.points(s) * s.groupInputs() * outCount;
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
    int columns = count * WinogradConvolution.tiles(s);
    int inputMatrix = inputs * block;
    int gradientMatrix = outCount * block;
    int sumMatrix = inputs * outCount;
    int points = WinogradConvolution.points(s);
    for (int start = 0; start < columns; start += block) {
      int n = Math.min(block, columns - start);
      WinogradConvolution.transformInput(s, x, first, start, n, inStart, planes, transformedInput, inputMatrix, block, Sgemm.panelWidth());
      transformGradient(s, g, first, start, n, outStart, outCount, planes, transformedGradient, gradientMatrix, block);
      for (int xi = 0; xi < points; xi++) {
        Sgemm.gemm(false, true, inputs, outCount, n, transformedInput, xi * inputMatrix, block, transformedGradient, xi * gradientMatrix, block, sums,
            xi * sumMatrix, outCount, start > 0, Epilogue.NONE);
      }
    }
    if (s.kernel() == 5) {
      transformSums5x5(s, sums, sumMatrix, outCount, dW, dWOff);
    } else {
      transformSums(s, sums, sumMatrix, outCount, dW, dWOff);
    }
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
    WinogradTileTransforms transforms = WinogradConvolution.transforms(s);
    WinogradConvolution.TileCorners corners = WinogradConvolution.tileCorners(s, first, start, n, s.outChannels());
    // The panels' spare columns: transformed and dropped by the GEMM's k = n, but kept finite.
    for (int q = 0; q < 4; q++) {
      Arrays.fill(quads, q * stride + n, (q + 1) * stride, 0f);
    }
    for (int o = 0; o < outCount; o++) {
      int channel = (outStart + o) * s.outPlane();
      for (int j = 0; j < n; j++) {
        int at = corners.at[j] + channel;
        boolean right = corners.right[j];
        boolean below = corners.below[j];
        quads[j] = g[at];
        quads[stride + j] = right ? g[at + 1] : 0f;
        quads[2 * stride + j] = below ? g[at + outWidth] : 0f;
        quads[3 * stride + j] = right && below ? g[at + outWidth + 1] : 0f;
      }
      for (int panel = 0; panel < panels; panel++) {
        transforms.gradient(quads, panel * nr, stride, out, o * ld + panel * nr, matrix, work);
      }
    }
  }

  /** F(3×3, 2×2)'s {@code dW[o, c] = Aᵀ M A} from the 16 sums {@code Mᵀ_ξ[c, o]}. */
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

  /**
   * F(5×5, 2×2)'s {@code dW[o, c] = Aᵀ D M D A} from the 36 sums {@code Mᵀ_ξ[c, o]} of G' g G'ᵀ's products, in float64
   * ({@link #SCALED_AT_5X5} is Aᵀ D), each tap rounded once.
   */
  private static void transformSums5x5(ConvShape s, float[] sums, int matrix, int outCount, float[] dW, int dWOff) {
    int patch = s.patch();
    double[][] w = SCALED_AT_5X5;
    for (int c = 0; c < s.groupInputs(); c++) {
      for (int o = 0; o < outCount; o++) {
        int mi = c * outCount + o;
        int at = dWOff + o * patch + c * 25;
        for (int ky = 0; ky < 5; ky++) {
          // Row ky of (Aᵀ D) M.
          double p0 = scaledRow(sums, mi, matrix, w[ky], 0);
          double p1 = scaledRow(sums, mi, matrix, w[ky], 1);
          double p2 = scaledRow(sums, mi, matrix, w[ky], 2);
          double p3 = scaledRow(sums, mi, matrix, w[ky], 3);
          double p4 = scaledRow(sums, mi, matrix, w[ky], 4);
          double p5 = scaledRow(sums, mi, matrix, w[ky], 5);
          for (int kx = 0; kx < 5; kx++) {
            double[] wx = w[kx];
            dW[at + ky * 5 + kx] = (float) (p0 * wx[0] + p1 * wx[1] + p2 * wx[2] + p3 * wx[3] + p4 * wx[4] + p5 * wx[5]);
          }
        }
      }
    }
  }

  /** {@code Σ_a row[a] · M[a][b]}, M's point (a, b) at {@code sums[mi + (6a + b) · matrix]}. */
  private static double scaledRow(float[] sums, int mi, int matrix, double[] row, int b) {
    double sum = 0;
    for (int a = 0; a < 6; a++) {
      sum += row[a] * sums[mi + (6 * a + b) * matrix];
    }
    return sum;
  }

  /** One row of three taps from a row of (Aᵀ M): p0 + p1 + p2, p1 − p2, p1 + p2 + p3. */
  private static void putTaps(float[] dW, int at, float p0, float p1, float p2, float p3) {
    dW[at] = p0 + p1 + p2;
    dW[at + 1] = p1 - p2;
    dW[at + 2] = p1 + p2 + p3;
  }
}
