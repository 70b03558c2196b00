package dev.netforge.runtime.nn;

import dev.netforge.runtime.gemm.Sgemm;
import java.util.Arrays;

/**
 * The input gradient of a 5×5 stride-1 convolution whose forward pass runs by F(3×3, 5×5) ({@link
 * WinogradConvolution}), computed as that pass's adjoint inside the weight gradient's blocks of tiles ({@link
 * WinogradWeightGradient}), from the transformed output gradient Ĝ = A g Aᵀ the weight gradient makes anyway:
 *
 * <pre>
 * forward:  Y_t[o]  = Aᵀ [ Σ_c U[o, c] ⊙ (Bᵀ d_t[c] B) ] A          each 3×3 output tile t, d_t its 7×7 input window
 * adjoint:  ∂V_t[c] = Σ_o U[o, c] ⊙ Ĝ_t[o]                        one GEMM per ξ: ∂Vᵀ_ξ = Ĝᵀ_ξ · U_ξ
 *           ∂d_t[c] = B ∂V_t[c] Bᵀ;   dx = Σ_t ∂d_t added at its window, the padding cut off
 * </pre>
 *
 * Elsewhere the input gradient is a convolution of its own, g with the flipped filters by F(3×3, 5×5), whose input
 * transform cuts g's channels (one tower of AlexNet2012's conv2: 128) into overlapping 7×7 tiles by gathers, about half
 * of that pass's time. Here g's disjoint 3×3 tiles are transformed once for both gradients, and the 7×7 side runs over
 * the input's channels (48 there) with the channels as a vector's lanes: no gathers. That side grows with the input
 * channels, so this runs only where they are few against the filters ({@link #applies}). The windows overlap (3 apart, 7
 * wide), so each tile's ∂d is added into a zero-padded plane of its example that keeps each pixel's channels side by
 * side ({@link #planeSize}), tile after tile, and the plane's interior goes to dx when the example's last tile is in.
 * A leaf's examples are one worker's, so every sum runs in the same order whatever the threads. In exact arithmetic
 * this is the transposed convolution (the adjoint of an exact correlation); in float32 it rounds as F(3×3, 5×5) does,
 * though not to the flipped convolution's bits.
 */
final class WinogradInputGradient {
  /** A multiple every vector width divides: each pixel's channels, and each row of ∂Vᵀ, padded to it. */
  private static final int CHANNEL_MULTIPLE = 16;

  private WinogradInputGradient() {}

  /**
   * Where a convolution's input gradient goes and its scratch: dx of {@code channels} planes an example, the layer's
   * input channels from {@code start} written (or, {@code accumulate}, added to: a second tower reading the same
   * input), the filters {@link #packFilters} packed, and the worker's {@link #rowsSize}, {@link #productsSize} and
   * {@link #planeSize} scratch.
   */
  record Target(
      float[] dx, int channels, int start, boolean accumulate, float[] packedFilters, float[] rows, float[] products, float[] plane) {}

  /**
   * Filters of a slice at most: one GEMM per ξ, Ĝ's rows at the 8×32 kernel's own stride (its loop with one A index).
   * AlexNetTorchvision's conv2 (192 filters, 64 channels, the layer on two threads) took 160–182 ms backward in
   * training steps where the flipped convolution took 152–158, in two GEMMs per ξ as in one.
   */
  private static final int MAX_FILTERS = 128;

  /**
   * Input channels of a group at most. With 64 channels against 128 filters (27×27, two threads) the layer's backward
   * pass took 96–103 ms where the flipped convolution took 92–95; with the AlexNets' 48 a tower against 128 filters,
   * both towers at once, 140–157 against 160–169, and MiniAlexNet's conv2 (32 against 64, 13×13) 22.0–24.4 against
   * 26.2–26.5 (docs/performance.md, session 47). The 7×7 side grows with the input channels, the flipped
   * convolution's input transform with the filters.
   */
  private static final int MAX_INPUTS = 48;

  /**
   * Whether the input gradient of {@code outCount} filters of {@code s} is computed here: 5×5 filters whose forward
   * pass takes F(3×3, 5×5), few input channels against them ({@link #MAX_INPUTS}, {@link #MAX_FILTERS}).
   */
  static boolean applies(ConvShape s, int outCount) {
    return s.kernel() == 5
        && s.stride() == 1
        && WinogradConvolution.outputTile(s) == WinogradF3x3Transforms.TILE
        && s.groupInputs() <= MAX_INPUTS
        && outCount <= MAX_FILTERS;
  }

  /**
   * Floats a pixel of the plane holds, and the columns of {@link #multiply}'s GEMMs and of a row of ∂Vᵀ: the group's
   * input channels, padded to whole vectors. The AlexNets' 48 a tower are a whole panel of the 8×32 kernel and half
   * of another, which it computes together (179 GFLOP/s in L1 on the Zen 5, against 198 for 64 columns, a quarter
   * of them zeros).
   */
  private static int pixel(ConvShape s) {
    return (s.groupInputs() + CHANNEL_MULTIPLE - 1) / CHANNEL_MULTIPLE * CHANNEL_MULTIPLE;
  }

  /** Floats from one ξ's packed U to the next's: a packed B of the filters by {@link #pixel} channels. */
  private static int filtersMatrix(ConvShape s, int outCount) {
    return Sgemm.packedSize(outCount, pixel(s));
  }

  /** Floats of {@link #packFilters}' U. */
  static int filtersSize(ConvShape s, int outCount) {
    return WinogradConvolution.points(s) * filtersMatrix(s, outCount);
  }

  /**
   * The forward pass's U_ξ[o, c] of filters {@code [first, first + outCount)} (each {@code weight[(first + o) · patch
   * + c · 25 + i]}, the same floats as {@link WinogradConvolution#transformFilters}), for each ξ a packed B of the
   * filters by {@link #pixel} channels, the channels past the group's zero: the second operand of {@link #multiply}'s
   * GEMMs.
   */
  static void packFilters(ConvShape s, float[] weight, int patch, int first, int outCount, float[] packed) {
    int nr = Sgemm.panelWidth();
    int matrix = filtersMatrix(s, outCount);
    Arrays.fill(packed, 0, filtersSize(s, outCount), 0f);
    for (int o = 0; o < outCount; o++) {
      for (int c = 0; c < s.groupInputs(); c++) {
        int u = ((c / nr) * outCount + o) * nr + c % nr;
        WinogradConvolution.transform5x5(WinogradConvolution.G_F3X3, weight, (first + o) * patch + c * 25, 1, packed, u, matrix);
      }
    }
  }

  /**
   * The distance between the rows {@link #multiply} copies Ĝ_ξ's tiles into: the micro-kernel's own row stride where
   * the filters fit in it ({@link Sgemm#fastRowStride}), else the filters, padded to whole vectors.
   */
  private static int rowStride(int outCount) {
    int fast = Sgemm.fastRowStride();
    return outCount <= fast ? fast : (outCount + CHANNEL_MULTIPLE - 1) / CHANNEL_MULTIPLE * CHANNEL_MULTIPLE;
  }

  /** Floats of {@link #multiply}'s rows of one ξ's Ĝ for a block of tiles. */
  static int rowsSize(int outCount) {
    return WinogradWeightGradient.blockColumns() * rowStride(outCount) + Sgemm.copySlack();
  }

  /** Floats from one ξ's ∂Vᵀ to the next's: a block's tiles by {@link #pixel}. */
  private static int productsMatrix(ConvShape s) {
    return WinogradWeightGradient.blockColumns() * pixel(s) + WinogradConvolution.MATRIX_PAD;
  }

  /** Floats of one block's ∂Vᵀ_ξ. */
  static int productsSize(ConvShape s) {
    return WinogradConvolution.points(s) * productsMatrix(s);
  }

  /**
   * Floats of one example's plane of ∂d sums: the forward pass's zero-padded input plane ({@link
   * WinogradConvolution#planeSize}, covering every tile's window), each pixel {@link #pixel} channels.
   */
  static int planeSize(ConvShape s) {
    return WinogradConvolution.planeSize(s, WinogradF3x3Transforms.TILE) * pixel(s);
  }

  /**
   * ∂Vᵀ_ξ of a block's {@code n} tiles into {@code target.products()}: Ĝ_ξ for {@code outCount} filters as {@link
   * WinogradWeightGradient} packs it from {@code gradient[gradientOff]} (panel p of filters, tile j: {@code
   * gradient[gradientOff + (p·n + j)·nr + f]}), each tile's filters first copied into one row ({@link #rowStride}),
   * times U_ξ. Read in place, panel by panel, the GEMM summed each product four times and ran at half the rate.
   */
  static void multiply(ConvShape s, int xi, int n, int outCount, float[] gradient, int gradientOff, Target target) {
    int nr = Sgemm.panelWidth();
    int stride = rowStride(outCount);
    float[] rows = target.rows();
    // Ascending, as copyRun asks: each copy may write past its run into the next one's place.
    for (int j = 0; j < n; j++) {
      for (int f = 0; f < outCount; f += nr) {
        Sgemm.copyRun(gradient, gradientOff + ((f / nr) * n + j) * nr, rows, j * stride + f, Math.min(nr, outCount - f));
      }
    }
    Sgemm.gemmRowsAPackedB(
        n, pixel(s), outCount, rows, 0, stride, target.packedFilters(), xi * filtersMatrix(s, outCount), target.products(), xi * productsMatrix(s),
        pixel(s), false);
  }

  /**
   * ∂d = B ∂V Bᵀ of a block's tiles {@code [start, start + n)} of the examples from {@code first} (each example's
   * {@link WinogradConvolution#tiles} in order), from {@link #multiply}'s ∂Vᵀ, added into the plane at each tile's
   * window; an example's plane is zeroed at its first tile and written to dx at its last. The tiles of an example come
   * to one worker in order, block after block.
   */
  static void addBlock(ConvShape s, int first, int start, int n, Target target, float[] work) {
    int tile = WinogradF3x3Transforms.TILE;
    int tiles = WinogradConvolution.tiles(s, tile);
    int wide = WinogradConvolution.tilesWide(s, tile);
    int width = WinogradConvolution.planeWidth(s, tile);
    int channels = pixel(s);
    int matrix = productsMatrix(s);
    float[] plane = target.plane();
    for (int j = 0; j < n; j++) {
      int t = (start + j) % tiles;
      if (t == 0) {
        Arrays.fill(plane, 0, planeSize(s), 0f);
      }
      int window = (tile * (t / wide) * width + tile * (t % wide)) * channels;
      WinogradConvolution.TRANSFORMS_F3X3.addInputGradient(target.products(), j * channels, matrix, channels, plane, window, width, work);
      if (t == tiles - 1) {
        writeExample(s, plane, width, channels, first + (start + j) / tiles, target);
      }
    }
  }

  /** The plane's interior, channel by channel, to (or added to) example {@code example}'s planes of dx. */
  private static void writeExample(ConvShape s, float[] plane, int width, int channels, int example, Target target) {
    float[] dx = target.dx();
    int p = s.padding();
    for (int c = 0; c < s.groupInputs(); c++) {
      int to = (example * target.channels() + target.start() + c) * s.inPlane();
      for (int y = 0; y < s.inHeight(); y++) {
        int from = ((y + p) * width + p) * channels + c;
        for (int x = 0; x < s.inWidth(); x++, to++) {
          float v = plane[from + x * channels];
          dx[to] = target.accumulate() ? dx[to] + v : v;
        }
      }
    }
  }
}
