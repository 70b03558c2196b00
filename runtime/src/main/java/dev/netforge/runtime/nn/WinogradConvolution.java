package dev.netforge.runtime.nn;

import dev.netforge.runtime.gemm.Epilogue;
import dev.netforge.runtime.gemm.Sgemm;
import java.util.Arrays;

/**
 * A 3×3 stride-1 convolution by Winograd's minimal filtering F(2×2, 3×3) (Lavin and Gray, "Fast Algorithms for
 * Convolutional Neural Networks", 2015): each 2×2 tile of an output plane comes from the 4×4 tile of the padded input
 * under it with 16 multiplications per input channel where the direct convolution takes 36,
 *
 * <pre>
 * Y = Aᵀ [ Σ_c (G g_c Gᵀ) ⊙ (Bᵀ d_c B) ] A
 *
 *      ⎡1  0 −1  0⎤        ⎡1   0   0⎤        ⎡1  1  1  0⎤
 * Bᵀ = ⎢0  1  1  0⎥    G = ⎢½   ½   ½⎥   Aᵀ = ⎣0  1 −1 −1⎦
 *      ⎢0 −1  1  0⎥        ⎢½  −½   ½⎥
 *      ⎣0  1  0 −1⎦        ⎣0   0   1⎦
 * </pre>
 *
 * <p>The sum over input channels is 16 GEMMs, one for each point ξ of the 4×4 transform: {@code M_ξ[o, t] = Σ_c U_ξ[o,
 * c] · V_ξ[c, t]} over the tiles t of a block ({@link #convolve}), with {@code U_ξ = (G g Gᵀ)_ξ} the filters transformed once
 * per pass ({@link #transformFilters}) and {@code V_ξ = (Bᵀ d B)_ξ} written by the input transform straight into
 * the GEMM's packed column panels, as {@link Im2col} writes patches. Partial tiles at the right and bottom edges read
 * zeros and their outputs beyond the plane are dropped.
 *
 * <p>A 5×5 stride-1 convolution runs the same way by F(2×2, 5×5): 6×6 input tiles, 36 GEMMs, 36 multiplications per
 * 2×2 tile and input channel where the direct convolution takes 100 ({@link Winograd5x5Transforms}, G below). Its
 * transforms multiply by up to 5 and divide by up to 24 before the GEMMs, so its results differ from the direct
 * convolution's by about 20 times the direct one's own rounding (a float32 simulation on 48 and 192 channels of 27×27:
 * 2–4·10⁻⁵ on outputs of magnitude 5, against 1–2·10⁻⁶), still inside the references' 1e-4.
 *
 * <pre>
 *      ⎡¼     0     0     0    0 ⎤
 *      ⎢−⅙   −⅙    −⅙    −⅙   −⅙ ⎥
 * G =  ⎢−⅙    ⅙    −⅙     ⅙   −⅙ ⎥      Aᵀ = ⎡1  1  1  1  1  0⎤
 *      ⎢1/24  1/12  1/6   1/3  2/3⎥           ⎣0  1 −1  2 −2  1⎦
 *      ⎢1/24 −1/12  1/6  −1/3  2/3⎥
 *      ⎣0     0     0     0    1 ⎦
 * </pre>
 *
 * <p>{@link Conv2d} runs its forward pass this way where it {@link #applies}, and its input gradient too: at stride 1
 * that is itself a convolution of the output gradient with the flipped filters, of the same size ({@link
 * FlippedConvolution#shape}). The results differ from the direct convolution's in the last bits (the transforms add
 * and halve before multiplying), inside the references' 1e-4.
 */
final class WinogradConvolution {

  /**
   * Input channels times filters (of one tower slice) from which it is used. Measured on AVX-512 (docs/performance.md,
   * session 13): one layer on one thread gains down to 64 × 64 (13×13 planes: forward −11–16%, backward even; 32 × 64
   * loses in backward), but MiniAlexNet's conv3–conv5 (96 to 128 inputs, 64 to 96 filters, 6×6 planes) gained nothing
   * in whole training steps (bench, batch 64, alternating: 820 img/s without against 792 and 798 with in the host's
   * fast phase, 560 and 573 against 600 in its slow one), so the AlexNets' 192 × 128 and up are where it runs, and the
   * default job keeps its bits.
   */
  private static final int MIN_CHANNEL_PRODUCT = 16_384;

  /**
   * {@link #MIN_CHANNEL_PRODUCT} for 5×5 filters, where the algorithm saves 2.6 times the multiplications instead of
   * 1.9: the AlexNets' conv2 (48 × 128 a tower, 64 × 192) and up, not MiniAlexNet's (32 × 64 a tower), so that the
   * default job keeps its bits.
   */
  private static final int MIN_CHANNEL_PRODUCT_5X5 = 4_096;

  /**
   * Column panels of tiles per block: V and M take 16 · (inputs + filters) · 32 floats a panel (AlexNet's conv3, a
   * tower, two panels: 1.8 MB), and each block reads all 16 packed U_ξ once. Blocks of 1 to 4 panels measured alike.
   */
  private static final int BLOCK_PANELS = 2;

  private static final WinogradTransforms TRANSFORMS = WinogradTransforms.forThisJvm();
  private static final Winograd5x5Transforms TRANSFORMS_5X5 = Winograd5x5Transforms.forThisJvm();

  /** F(2×2, 5×5)'s G, as the class javadoc writes it; the filters are transformed in float64 and rounded once. */
  private static final double[][] G_5X5 = {
    {1 / 4.0, 0, 0, 0, 0},
    {-1 / 6.0, -1 / 6.0, -1 / 6.0, -1 / 6.0, -1 / 6.0},
    {-1 / 6.0, 1 / 6.0, -1 / 6.0, 1 / 6.0, -1 / 6.0},
    {1 / 24.0, 1 / 12.0, 1 / 6.0, 1 / 3.0, 2 / 3.0},
    {1 / 24.0, -1 / 12.0, 1 / 6.0, -1 / 3.0, 2 / 3.0},
    {0, 0, 0, 0, 1},
  };
  /** One filter's outputs of a block, four rows of tiles ({@link WinogradTransforms#output}); kept per thread. */
  private static final ThreadLocal<float[]> OUTPUT_ROWS = ThreadLocal.withInitial(() -> new float[0]);
  private static final ThreadLocal<int[]> TILE_OFFSETS = ThreadLocal.withInitial(() -> new int[0]);
  private static final ThreadLocal<TileCorners> TILE_CORNERS = ThreadLocal.withInitial(TileCorners::new);
  /** {@link WinogradTransforms#workSize}'s room, one per thread, fetched once per call of a transform loop. */
  private static final ThreadLocal<float[]> TRANSFORM_WORK =
      ThreadLocal.withInitial(() -> new float[Math.max(TRANSFORMS.workSize(), TRANSFORMS_5X5.workSize())]);

  private WinogradConvolution() {}

  /**
   * Whether {@code outCount} filters of {@code s} over its group's inputs are computed this way, forward and input
   * gradient ({@link FlippedConvolution#shape}: a padding up to {@code kernel − 1}), and for 3×3 filters the weight
   * gradient too ({@link WinogradWeightGradient}).
   */
  static boolean applies(ConvShape s, int outCount) {
    if (s.stride() != 1 || s.padding() > s.kernel() - 1) {
      return false;
    }
    long channels = (long) s.groupInputs() * outCount;
    return switch (s.kernel()) {
      case 3 -> channels >= MIN_CHANNEL_PRODUCT;
      case 5 -> channels >= MIN_CHANNEL_PRODUCT_5X5;
      default -> false;
    };
  }

  /** Points of the transform ({@code (kernel + 1)²}): GEMMs per block of tiles. */
  static int points(ConvShape s) {
    int alpha = s.kernel() + 1;
    return alpha * alpha;
  }

  private static WinogradTileTransforms transforms(ConvShape s) {
    return s.kernel() == 5 ? TRANSFORMS_5X5 : TRANSFORMS;
  }

  static int tilesHigh(ConvShape s) {
    return (s.outHeight() + 1) / 2;
  }

  static int tilesWide(ConvShape s) {
    return (s.outWidth() + 1) / 2;
  }

  /** Tiles of one example's output plane: the columns it adds to each GEMM. */
  static int tiles(ConvShape s) {
    return tilesHigh(s) * tilesWide(s);
  }

  /** Tiles a block of {@link #convolve} takes: {@value #BLOCK_PANELS} of the micro-kernel's column panels. */
  static int blockColumns() {
    return BLOCK_PANELS * Sgemm.panelWidth();
  }

  /** Floats of one zero-padded input plane ({@code (2·tilesHigh + kernel − 1) × (2·tilesWide + kernel − 1)}). */
  static int planeSize(ConvShape s) {
    return (2 * tilesHigh(s) + s.kernel() - 1) * planeWidth(s);
  }

  private static int planeWidth(ConvShape s) {
    return 2 * tilesWide(s) + s.kernel() - 1;
  }

  /** Floats of the zero-padded planes of one channel, side by side, of the examples one block's tiles lie in. */
  static int planesSize(ConvShape s) {
    return planesSize(s, blockColumns());
  }

  /** {@link #planesSize} for blocks of {@code block} tiles: they lie in at most {@code (block − 1) / tiles + 2} examples. */
  static int planesSize(ConvShape s, int block) {
    return ((block - 1) / tiles(s) + 2) * planeSize(s);
  }

  /** Floats of one block's packed V_ξ. */
  static int transformedInputSize(ConvShape s) {
    return points(s) * Sgemm.packedSize(s.groupInputs(), blockColumns());
  }

  /** Floats of one block's products M_ξ for {@code outCount} filters. */
  static int productsSize(ConvShape s, int outCount) {
    return points(s) * outCount * blockColumns();
  }

  /** Floats of the packed U_ξ of {@code rows × inputs} filters of {@code s}'s size. */
  static int filtersSize(ConvShape s, int rows, int inputs) {
    return points(s) * Sgemm.packedASize(rows, inputs);
  }

  /**
   * Transforms {@code rows × inputs} filters of {@code s}'s size (k×k, k = 3 or 5) into the packed U_ξ, written where
   * {@link Sgemm#packA} would put them (ξ's from {@code packed[ξ · packedASize(rows, inputs)]}). Filter (r, q) is
   * {@code weight[(first + r) · patch + q · k² + i]}, or, {@code flipped}, the input gradient's {@code weight[(first +
   * q) · patch + r · k² + k² − 1 − i]}: filter q's input channel r, turned by 180°.
   */
  static void transformFilters(ConvShape s, float[] weight, int patch, int first, int rows, int inputs, boolean flipped, float[] packed) {
    int mr = Sgemm.panelHeight();
    int matrix = Sgemm.packedASize(rows, inputs);
    int taps = s.kernel() * s.kernel();
    int step = flipped ? -1 : 1;
    for (int r = 0; r < rows; r++) {
      int panelRow = r / mr * mr * inputs + r % mr;
      for (int q = 0; q < inputs; q++) {
        int src = flipped ? (first + q) * patch + r * taps + taps - 1 : (first + r) * patch + q * taps;
        int u = panelRow + q * mr;
        if (s.kernel() == 5) {
          transform5x5(weight, src, step, packed, u, matrix);
        } else {
          transform3x3(weight, src, step, packed, u, matrix);
        }
      }
    }
    // The last panel's rows past the filters, which packA leaves zero.
    int spare = (rows + mr - 1) / mr * mr;
    for (int xi = 0; xi < points(s); xi++) {
      for (int r = rows; r < spare; r++) {
        int panelRow = xi * matrix + r / mr * mr * inputs + r % mr;
        for (int q = 0; q < inputs; q++) {
          packed[panelRow + q * mr] = 0f;
        }
      }
    }
  }

  /** One 3×3 filter's U = G g Gᵀ of F(2×2, 3×3), its taps from {@code weight[src + i · step]}, to {@code packed[u + ξ · matrix]}. */
  private static void transform3x3(float[] weight, int src, int step, float[] packed, int u, int matrix) {
    float g00 = weight[src];
    float g01 = weight[src + step];
    float g02 = weight[src + 2 * step];
    float g10 = weight[src + 3 * step];
    float g11 = weight[src + 4 * step];
    float g12 = weight[src + 5 * step];
    float g20 = weight[src + 6 * step];
    float g21 = weight[src + 7 * step];
    float g22 = weight[src + 8 * step];
    // G g: rows g0, (g0 + g1 + g2)/2, (g0 − g1 + g2)/2, g2.
    float h10 = 0.5f * (g00 + g10 + g20);
    float h11 = 0.5f * (g01 + g11 + g21);
    float h12 = 0.5f * (g02 + g12 + g22);
    float h20 = 0.5f * (g00 - g10 + g20);
    float h21 = 0.5f * (g01 - g11 + g21);
    float h22 = 0.5f * (g02 - g12 + g22);
    // (G g) Gᵀ: the same combination of each row's columns.
    putRow(packed, u, matrix, 0, g00, g01, g02);
    putRow(packed, u, matrix, 1, h10, h11, h12);
    putRow(packed, u, matrix, 2, h20, h21, h22);
    putRow(packed, u, matrix, 3, g20, g21, g22);
  }

  /**
   * One 5×5 filter's U = G g Gᵀ of F(2×2, 5×5) in float64, each of its 36 values rounded once, its taps from {@code
   * weight[src + i · step]}, to {@code packed[u + ξ · matrix]}.
   */
  private static void transform5x5(float[] weight, int src, int step, float[] packed, int u, int matrix) {
    for (int a = 0; a < 6; a++) {
      // Row a of G g.
      double h0 = gRow(weight, src, step, a, 0);
      double h1 = gRow(weight, src, step, a, 1);
      double h2 = gRow(weight, src, step, a, 2);
      double h3 = gRow(weight, src, step, a, 3);
      double h4 = gRow(weight, src, step, a, 4);
      for (int b = 0; b < 6; b++) {
        double[] gb = G_5X5[b];
        packed[u + (6 * a + b) * matrix] = (float) (h0 * gb[0] + h1 * gb[1] + h2 * gb[2] + h3 * gb[3] + h4 * gb[4]);
      }
    }
  }

  /** {@code (G g)[a][k]} of the 5×5 filter whose taps are {@code weight[src + i · step]}. */
  private static double gRow(float[] weight, int src, int step, int a, int k) {
    double sum = 0;
    for (int i = 0; i < 5; i++) {
      sum += G_5X5[a][i] * weight[src + (5 * i + k) * step];
    }
    return sum;
  }

  /** Row {@code row} of {@code (G g) Gᵀ} from row {@code row} of {@code G g}: a0, (a0 + a1 + a2)/2, (a0 − a1 + a2)/2, a2. */
  private static void putRow(float[] packed, int u, int matrix, int row, float a0, float a1, float a2) {
    int at = 4 * row * matrix + u;
    packed[at] = a0;
    packed[at + matrix] = 0.5f * (a0 + a1 + a2);
    packed[at + 2 * matrix] = 0.5f * (a0 - a1 + a2);
    packed[at + 3 * matrix] = a2;
  }

  /**
   * Convolves the tiles {@code [tileStart, tileEnd)} of the batch (each example's {@link #tiles} one after the other):
   * their {@code s.groupInputs()} channels from {@code inStart} of
   * {@code x} (examples of {@code s.inChannels()} planes) with {@code outCount} filters ({@link #transformFilters}),
   * into channels {@code [yStart, yStart + outCount)} of {@code y} (examples of {@code yChannels} planes of {@code
   * s.outPlane()}): {@code y = mask · relu(conv + bias[yStart + o])}, or, {@code accumulate}, {@code y += conv}
   * ({@code bias} and {@code mask} may be {@code null}). {@code planes}, {@code transformed} and {@code products} are
   * scratch of {@link #planesSize}, {@link #transformedInputSize} and {@link #productsSize}.
   *
   * <p>The tiles are taken a block of {@link #blockColumns} at a time from {@code tileStart} (a block may end inside an
   * example): transformed, multiplied and transformed back while the block's V and M are in the core's cache. All
   * tiles at once, V and M of a few examples (megabytes each) went out to L3 between the three steps. Each tile's
   * outputs are the same whichever block it falls in, so callers may split the tiles anywhere.
   */
  static void convolve(
      ConvShape s,
      float[] x,
      int tileStart,
      int tileEnd,
      int inStart,
      float[] filters,
      int outCount,
      float[] y,
      int yChannels,
      int yStart,
      float[] bias,
      boolean relu,
      float[] mask,
      boolean accumulate,
      float[] planes,
      float[] transformed,
      float[] products) {
    int inputs = s.groupInputs();
    int block = blockColumns();
    int transformedMatrix = Sgemm.packedSize(inputs, block);
    int packedFilters = Sgemm.packedASize(outCount, inputs);
    int productMatrix = outCount * block;
    int nr = Sgemm.panelWidth();
    int points = points(s);
    for (int start = tileStart; start < tileEnd; start += block) {
      int n = Math.min(block, tileEnd - start);
      transformInput(s, x, 0, start, n, inStart, planes, transformed, transformedMatrix, nr, inputs * nr);
      for (int xi = 0; xi < points; xi++) {
        Sgemm.gemmPacked(
            outCount, n, inputs, filters, xi * packedFilters, transformed, xi * transformedMatrix, products, xi * productMatrix, block, false,
            Epilogue.NONE);
      }
      transformOutput(s, products, productMatrix, block, start, n, outCount, y, yChannels, yStart, bias, relu, mask, accumulate);
    }
  }

  /**
   * {@code V_ξ = (Bᵀ d B)_ξ} for every input channel and the tiles {@code [start, start + n)} of the examples from
   * {@code first}, {@code matrix} apart for each ξ: per channel, the planes of the examples those tiles lie in,
   * zero-padded side by side in {@code planes}, then each {@link Sgemm#panelWidth} tiles by the transforms of {@code s}'s size, channel
   * c's from {@code c · channelStride + panel · panelStride}. As the GEMM's packed B panels ({@code channelStride =
   * panelWidth}, {@code panelStride = inputs · panelWidth}), or as rows of tiles ({@link WinogradWeightGradient}).
   */
  static void transformInput(
      ConvShape s, float[] x, int first, int start, int n, int inStart, float[] planes, float[] transformed, int matrix, int channelStride,
      int panelStride) {
    int inputs = s.groupInputs();
    int tiles = tiles(s);
    int width = planeWidth(s);
    int planeSize = planeSize(s);
    WinogradTileTransforms transforms = transforms(s);
    int p = s.padding();
    int nr = Sgemm.panelWidth();
    int panels = (n + nr - 1) / nr;
    int firstExample = start / tiles;
    int examples = (start + n - 1) / tiles - firstExample + 1;
    int[] tileAt = tileOffsets(s, start, n, panels * nr, width, planeSize);
    float[] work = transformWork();
    // The padding stays zero: each channel writes only the planes' interiors.
    Arrays.fill(planes, 0, examples * planeSize, 0f);
    for (int c = 0; c < inputs; c++) {
      for (int e = 0; e < examples; e++) {
        int src = ((first + firstExample + e) * s.inChannels() + inStart + c) * s.inPlane();
        for (int iy = 0; iy < s.inHeight(); iy++) {
          System.arraycopy(x, src + iy * s.inWidth(), planes, e * planeSize + (iy + p) * width + p, s.inWidth());
        }
      }
      for (int panel = 0; panel < panels; panel++) {
        transforms.input(planes, tileAt, panel * nr, width, transformed, c * channelStride + panel * panelStride, matrix, work);
      }
    }
  }

  /** This thread's room for the transforms' halves ({@link WinogradTransforms#workSize}). */
  static float[] transformWork() {
    return TRANSFORM_WORK.get();
  }

  /**
   * Where each of the tiles {@code [start, start + n)} starts (its top left corner, 2 rows and 2 columns per tile) in
   * the side-by-side planes ({@code planeSize} apart, rows {@code width} apart) of the examples they lie in, the first
   * of them at 0; the columns up to {@code length} past them point at 0 (their GEMM results are dropped). Kept per
   * thread: valid until the thread's next call.
   */
  static int[] tileOffsets(ConvShape s, int start, int n, int length, int width, int planeSize) {
    int[] tileAt = TILE_OFFSETS.get();
    if (tileAt.length < length) {
      tileAt = new int[length];
      TILE_OFFSETS.set(tileAt);
    }
    int tilesWide = tilesWide(s);
    int tiles = tiles(s);
    int firstExample = start / tiles;
    for (int j = 0; j < length; j++) {
      int e = (start + j) / tiles - firstExample;
      int t = (start + j) % tiles;
      tileAt[j] = j < n ? e * planeSize + 2 * (t / tilesWide) * width + 2 * (t % tilesWide) : 0;
    }
    return tileAt;
  }

  /**
   * Where the output tiles {@code [start, start + n)} of the examples from {@code first} lie in a tensor of {@code
   * channels} output planes: {@code at[j]}, tile j's top left output in channel 0 (add {@code channel · outPlane}), and
   * whether its right column and bottom row lie inside the plane. Worked out once per block for every filter's pass
   * over the tiles ({@link #transformOutput}, {@link WinogradWeightGradient}'s gradient transform). Kept per thread:
   * valid until the thread's next call.
   */
  static TileCorners tileCorners(ConvShape s, int first, int start, int n, int channels) {
    TileCorners corners = TILE_CORNERS.get();
    corners.ensure(n);
    int tilesWide = tilesWide(s);
    int tiles = tiles(s);
    int e = start / tiles;
    int t = start % tiles;
    for (int j = 0; j < n; j++) {
      int oy = 2 * (t / tilesWide);
      int ox = 2 * (t % tilesWide);
      corners.at[j] = (first + e) * channels * s.outPlane() + oy * s.outWidth() + ox;
      corners.right[j] = ox + 1 < s.outWidth();
      corners.below[j] = oy + 1 < s.outHeight();
      if (++t == tiles) {
        t = 0;
        e++;
      }
    }
    return corners;
  }

  /** {@link #tileCorners}' answer, one per thread, grown to the largest block asked. */
  static final class TileCorners {
    int[] at = new int[0];
    boolean[] right = new boolean[0];
    boolean[] below = new boolean[0];

    private void ensure(int n) {
      if (at.length < n) {
        at = new int[n];
        right = new boolean[n];
        below = new boolean[n];
      }
    }
  }

  /**
   * {@code Y = Aᵀ M A} for every filter and the tiles {@code [start, start + n)}, each output with the epilogue (or
   * added) as it is stored; M_ξ's rows are {@code ldm} apart.
   */
  private static void transformOutput(
      ConvShape s,
      float[] products,
      int productMatrix,
      int ldm,
      int start,
      int n,
      int outCount,
      float[] y,
      int yChannels,
      int yStart,
      float[] bias,
      boolean relu,
      float[] mask,
      boolean accumulate) {
    int outWidth = s.outWidth();
    int nr = Sgemm.panelWidth();
    int panels = (n + nr - 1) / nr;
    int ld = panels * nr;
    float[] work = transformWork();
    WinogradTileTransforms transforms = transforms(s);
    TileCorners corners = tileCorners(s, 0, start, n, yChannels);
    float[] rows = OUTPUT_ROWS.get();
    if (rows.length < 4 * ld) {
      rows = new float[4 * ld];
      OUTPUT_ROWS.set(rows);
    }
    for (int o = 0; o < outCount; o++) {
      for (int panel = 0; panel < panels; panel++) {
        transforms.output(products, o * ldm + panel * nr, productMatrix, rows, panel * nr, ld, work);
      }
      // Each tile's four outputs to its place in y, the parts of edge tiles outside the plane dropped.
      float b = bias == null ? 0f : bias[yStart + o];
      int channel = (yStart + o) * s.outPlane();
      for (int j = 0; j < n; j++) {
        int at = corners.at[j] + channel;
        boolean right = corners.right[j];
        boolean below = corners.below[j];
        store(y, at, rows[j], b, relu, mask, accumulate);
        if (right) {
          store(y, at + 1, rows[ld + j], b, relu, mask, accumulate);
        }
        if (below) {
          store(y, at + outWidth, rows[2 * ld + j], b, relu, mask, accumulate);
          if (right) {
            store(y, at + outWidth + 1, rows[3 * ld + j], b, relu, mask, accumulate);
          }
        }
      }
    }
  }

  /** {@code y[at] = mask[at] · relu(value + bias)} (as {@link Epilogue#biasReluMask} computes it), or {@code y[at] += value}. */
  private static void store(float[] y, int at, float value, float bias, boolean relu, float[] mask, boolean accumulate) {
    if (accumulate) {
      y[at] += value;
      return;
    }
    float v = value + bias;
    if (relu) {
      v = Math.max(v, 0f);
    }
    if (mask != null) {
      v *= mask[at];
    }
    y[at] = v;
  }
}
