package dev.netforge.runtime.nn;

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
 * block of tiles at a time, each element summed in the same order whatever the threads. They read V's rows where the
 * transform wrote them ({@link Sgemm#gemmRowsAPackedB}) and take Ĝ as the transform packed it. Packing V first (the
 * rows of eight channels interleaved, by gathers across them) was a third of the weight gradient on an AMD Zen 5 (JFR
 * of AlexNet2012's conv3 alone); in place, one tower's backward passes took 4–16% less (conv1 63.4 → 53.0 ms, conv3
 * 78.5 → 71.6–73.1, conv5 52.8 → 46.2; docs/performance.md, session 39). Session 13 had packed V instead, no slower
 * then, having seen C2 compile the in-place kernel with its vectors boxed under that call pattern; now all three
 * networks' training steps allocate 2–4 kB with it, which {@code bench} reports.
 * Against the direct ∂W = g · colᵀ: 16 multiply-adds per tile, input channel and filter instead of 36.
 *
 * <p>On planes where 4×4 tiles of g take fewer multiplications ({@link #tile}: the AlexNets' 13×13 planes and their
 * conv1's phase planes, {@link PhasePlanes}), 3×3 filters take the dual of the forward pass's F(4×4, 3×3) instead, F(3×3, 4×4):
 * g cut into 4×4 tiles, each against the 6×6 input tile under it (the forward pass's tiles and V), Ĝ = A g Aᵀ with
 * F(4×4, 3×3)'s A ({@link WinogradF4x4Transforms}), 36 GEMMs, and dW[o, c] = Gᵀ M G with its G. 36 multiply-adds per
 * 4×4 tile where F(3×3, 2×2) takes 64.
 *
 * <p>Where a block's V and M of F(5×5, 3×3) fit ({@link WinogradConvolution#fiveByFiveFits}) and 5×5 tiles of g take
 * fewer multiplications still (the AlexNets' conv1 over its 55×55 phase planes: 5929 per input channel and filter
 * where 4×4 tiles take 7056), 3×3 filters take the dual of F(5×5, 3×3), F(3×3, 5×5): g cut into 5×5 tiles against the
 * 7×7 input tiles under them, Ĝ = A g Aᵀ with its A ({@link WinogradF5x5Transforms}), 49 GEMMs, and dW[o, c] = Gᵀ M
 * G with its G ({@link WinogradConvolution#G_F5X5}). AlexNet2012's conv1 weight gradient (the layer alone, one
 * tower's 48 filters, two threads, the best of 30): 59.2 → 55.4 ms.
 *
 * <p>5×5 filters whose forward pass runs by F(3×3, 5×5) take its dual F(5×5, 3×3) the same way, with the same points
 * ({@link WinogradF3x3Transforms}): g cut into 3×3 tiles, each against the 7×7 input tile under it (the forward pass's
 * tiles and V), Ĝ = A g Aᵀ, 49 GEMMs, and dW[o, c] = Gᵀ M G with the forward pass's G. 49 multiply-adds per tile,
 * input channel and filter where the direct one takes 225; on a 27×27 plane (the AlexNets' conv2) 3969 per input
 * channel and filter against 18225. In a float64-checked numpy simulation (ten draws of eight examples of 27×27,
 * ReLU-like inputs, everything in float32) its error was 6.7·10⁻⁶ of the largest tap at the median and 1.4·10⁻⁵ at
 * most, ten times the direct sum's and inside the references' 1e-4.
 */
final class WinogradWeightGradient {
  /**
   * Column panels of tiles per block, the GEMMs' reduction: one block's V and Ĝ are {@code points · (inputs + filters)
   * · 32} floats a panel. Blocks of 2, 4 and 8 panels measured alike for F(3×3, 2×2); for F(5×5, 3×3) 4 took 156–160 ms
   * of AlexNetTorchvision's conv2 weight gradient, 1, 2 and 8 panels 162–171 (session 31). Four of the 8×32 kernel's
   * 32-wide panels make V's rows 128 floats, {@link Sgemm#fastRowStride}: its GEMMs then read A with one index, and
   * one tower's weight gradient ran a fifth faster (session 45).
   */
  private static final int BLOCK_PANELS = 4;


  /** The columns of F(3×3, 5×5)'s G ({@link WinogradConvolution#G_F3X3}), rounded to float, for {@link #transformSums7x7}. */
  private static final float[][] G_5X5_COLUMNS = columns(WinogradConvolution.G_F3X3);
  /** The columns of F(5×5, 3×3)'s G ({@link WinogradConvolution#G_F5X5}), rounded to float, for {@link #transformSums7x7}. */
  private static final float[][] G_3X3_COLUMNS = columns(WinogradConvolution.G_F5X5);

  /** The columns of {@code g}, rounded to float. */
  private static float[][] columns(double[][] g) {
    float[][] columns = new float[g[0].length][g.length];
    for (int a = 0; a < g.length; a++) {
      for (int k = 0; k < g[0].length; k++) {
        columns[k][a] = (float) g[a][k];
      }
    }
    return columns;
  }

  /** F(4×4, 3×3)'s G's entries other than 0 and ±1 ({@link WinogradConvolution}'s javadoc), rounded to float. */
  private static final float QUARTER = 0.25f;
  private static final float SIXTH = (float) (1 / 6.0);
  private static final float TWELFTH = (float) (1 / 12.0);
  private static final float TWENTY_FOURTH = (float) (1 / 24.0);

  /** {@link #transformSums7x7}' room for one input channel's Gᵀ M, {@link #transformSums4x4}' for one filter's; one per thread. */
  private static final ThreadLocal<float[]> SUMS_WORK = ThreadLocal.withInitial(() -> new float[0]);
  /** {@link #transformGradient}'s copies of a panel of filters' rows under a block ({@link TileSlots}); one per thread. */
  private static final ThreadLocal<float[]> STAGE = ThreadLocal.withInitial(() -> new float[0]);

  private WinogradWeightGradient() {}

  /**
   * Whether the weight gradient of a convolution {@link WinogradConvolution} computes is computed here: of 3×3 filters,
   * and of 5×5 ones whose forward pass takes 3×3 tiles (F(3×3, 5×5)). Session 15's F(5×5, 2×2) for the others' 2×2
   * tiles (36 multiplications per tile where the direct one takes 100) measured slower than {@link Conv2d}'s im2col
   * weight gradient, which reads its patch rows in place (commit b9db80c, reverted; docs/performance.md).
   */
  static boolean applies(ConvShape s) {
    return s.kernel() == 3 || s.kernel() == 5 && WinogradConvolution.outputTile(s) == 3;
  }

  /**
   * The side of the gradient's tiles: for 3×3 filters the 4 of F(3×3, 4×4) where its 36 multiplications per tile take
   * fewer than F(3×3, 2×2)'s 16 per 2×2 tile (planes of 3×3 and from 7×7 on), else 2, or the 5 of F(3×3, 5×5) where
   * it fits and its 49 take fewer than both; the 3 of F(5×5, 3×3). The
   * AlexNets' 13×13 planes take 576 per input channel and filter in 4×4 tiles where 2×2 ones take 784, their conv1's
   * 55×55 phase planes ({@link PhasePlanes}) 7056 where they take 12544. Measured (AlexNetTorchvision, docs/performance.md,
   * session 33): conv1's weight gradient 127–136 ms in 2×2 tiles, 101–112 in 4×4 (the layer alone); conv3–conv5's
   * backward passes, with leaves of 64 examples, 484 and 450 ms in 2×2 tiles, 436 and 444 in 4×4 (whole steps,
   * alternating). With {@link Conv2d}'s leaves of 16 examples, 4×4 tiles were no faster on 13×13 planes: each leaf's 36
   * sums per input channel and filter (14 MB for conv4) went out to memory and came back to {@link #transformSums4x4}.
   * The forward pass's rule ({@link WinogradConvolution#threeByThreeTile}) without 3×3 tiles: the dual of F(3×3, 3×3)
   * measured no faster than F(3×3, 2×2) on MiniAlexNet's 6×6 planes (docs/performance.md, session 37).
   */
  private static int tile(ConvShape s) {
    return s.kernel() == 5 ? 3 : WinogradConvolution.threeByThreeTile(s, false);
  }

  /** Points of the transform, (tile + kernel − 1)²: GEMMs per block of tiles. */
  private static int points(ConvShape s) {
    int alpha = tile(s) + s.kernel() - 1;
    return alpha * alpha;
  }

  /**
   * F(3×3, 2×2)'s transforms, F(4×4, 3×3)'s or F(5×5, 3×3)'s for 3×3 filters; for 5×5 ones F(3×3, 5×5)'s: the duals
   * take the forward algorithms' as they are.
   */
  private static WinogradGradientTransform transforms(ConvShape s) {
    if (s.kernel() == 5) {
      return WinogradConvolution.TRANSFORMS_F3X3;
    }
    return switch (tile(s)) {
      case 2 -> WinogradConvolution.TRANSFORMS_2X2;
      case 4 -> WinogradConvolution.TRANSFORMS_4X4;
      default -> WinogradConvolution.TRANSFORMS_F5X5;
    };
  }

  /** Tiles per block. */
  static int blockColumns() {
    return BLOCK_PANELS * Sgemm.panelWidth();
  }

  /**
   * Floats of the zero-padded planes of one input channel of the examples one block's tiles lie in, or of a block's
   * tiles' tile² rows of gradient values of a panel of filters, whichever is more.
   */
  static int planesSize(ConvShape s) {
    int tile = tile(s);
    return Math.max(WinogradConvolution.planesSize(s, tile, blockColumns()), tile * tile * blockColumns() * Sgemm.panelWidth());
  }

  /** Floats of one block's V_ξ, rows of tiles. */
  static int transformedInputSize(ConvShape s) {
    return points(s) * inputMatrix(s.groupInputs());
  }

  /** Floats of one block's Ĝ_ξ for {@code outCount} filters, rows of tiles. */
  static int transformedGradientSize(ConvShape s, int outCount) {
    return points(s) * gradientMatrix(outCount);
  }

  /** Floats of the sums Mᵀ_ξ. */
  static int sumsSize(ConvShape s, int outCount) {
    return points(s) * sumMatrix(s.groupInputs(), outCount);
  }

  // Each ξ's matrix padded past its size, as WinogradConvolution's are: at a multiple of 4 kB apart the transforms'
  // stores per tile and transformSums' loads per element fell into the same L1 sets (conv4's backward pass 6%
  // slower in three alternating pairs).

  /** Floats from one ξ's V to the next's. */
  private static int inputMatrix(int inputs) {
    return inputs * blockColumns() + WinogradConvolution.MATRIX_PAD;
  }

  /** Floats from one ξ's Ĝ (a packed B of a block's tiles by the filters) to the next's. */
  private static int gradientMatrix(int outCount) {
    return Sgemm.packedSize(blockColumns(), outCount) + WinogradConvolution.MATRIX_PAD;
  }

  /** Floats from one ξ's sum Mᵀ to the next's. */
  private static int sumMatrix(int inputs, int outCount) {
    return inputs * outCount + WinogradConvolution.MATRIX_PAD;
  }

  /**
   * Writes {@code Σ} over examples {@code [first, first + count)} of the gradient of filters {@code [outStart, outStart +
   * outCount)} to {@code dW[dWOff + o · patch + c · k² + ky · k + kx]} (o counted from the first filter): x's {@code
   * s.groupInputs()} channels from {@code inStart} (or, where {@code phases} is not {@code null}, the phase planes of
   * x, {@link WinogradConvolution#transformInput}) against g's channels {@code [outStart, outStart + outCount)} (both
   * whole tensors, examples of {@code s.inChannels()} and {@code s.outChannels()} planes). The scratch arrays are of
   * {@link #planesSize}, {@link #transformedInputSize}, {@link #transformedGradientSize} and {@link #sumsSize}. Where
   * {@code inputGradient} is not {@code null} ({@link WinogradInputGradient#applies}), the examples' ∂x too, from the
   * same Ĝ, block by block.
   */
  static void leafGradient(
      ConvShape s,
      float[] x,
      PhasePlanes phases,
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
      int dWOff,
      WinogradInputGradient.Target inputGradient) {
    int inputs = s.groupInputs();
    int block = blockColumns();
    int tile = tile(s);
    int points = points(s);
    WinogradGradientTransform transforms = transforms(s);
    int columns = count * WinogradConvolution.tiles(s, tile);
    int inputMatrix = inputMatrix(inputs);
    int gradientMatrix = gradientMatrix(outCount);
    int sumMatrix = sumMatrix(inputs, outCount);
    for (int start = 0; start < columns; start += block) {
      int n = Math.min(block, columns - start);
      WinogradConvolution.transformInput(
          s, tile, transforms, x, phases, first, start, n, inStart, planes, transformedInput, inputMatrix, block, Sgemm.panelWidth());
      transformGradient(s, tile, transforms, g, first, start, n, outStart, outCount, planes, transformedGradient, gradientMatrix);
      for (int xi = 0; xi < points; xi++) {
        Sgemm.gemmRowsAPackedB(
            inputs, outCount, n, transformedInput, xi * inputMatrix, block, transformedGradient, xi * gradientMatrix, sums, xi * sumMatrix, outCount, start > 0);
        if (inputGradient != null) {
          // While this ξ's Ĝ is in cache.
          WinogradInputGradient.multiply(s, xi, n, outCount, transformedGradient, xi * gradientMatrix, inputGradient);
        }
      }
      if (inputGradient != null) {
        WinogradInputGradient.addBlock(s, first, start, n, inputGradient, WinogradConvolution.transformWork());
      }
    }
    if (s.kernel() == 5) {
      transformSums7x7(s, G_5X5_COLUMNS, sums, sumMatrix, outCount, dW, dWOff);
    } else if (tile == 5) {
      transformSums7x7(s, G_3X3_COLUMNS, sums, sumMatrix, outCount, dW, dWOff);
    } else if (tile == 4) {
      transformSums4x4(s, sums, sumMatrix, outCount, dW, dWOff);
    } else {
      transformSums3x3(s, sums, sumMatrix, outCount, dW, dWOff);
    }
  }

  /**
   * {@code Ĝ_ξ} for the filters {@code [outStart, outStart + outCount)} and the tiles {@code [start, start + n)}, as
   * the GEMM's packed B of {@code n × outCount} from {@code out[ξ · matrix]} ({@link Sgemm#packedSize}: panels of the
   * kernel's width of filters, tile by tile). Per panel of filters: first every tile's tile² values of each filter's g,
   * gathered across the filters' planes into tile² rows of lanes per tile in {@code rows} (zeros for the parts of edge
   * tiles outside the plane and for the lanes past the last filter); then each tile's rows transformed with the
   * filters as lanes, straight into place.
   *
   * <p>With the tiles as lanes, Ĝ was packed for every ξ's GEMM again, by gathers across its rows: a fifth of
   * AlexNetTorchvision's conv2 weight gradient. With one tile's gathers and transform after another, the transform
   * waited on each tile's gathers: on 27×27 planes that was slower than packing (docs/performance.md, session 36).
   *
   * <p>The gathers read a stage, not g: first the panel's filters' rows under the block, example by example, are copied
   * whole into it ({@link TileSlots}). Each lane of a gather from g came from another filter's plane, a plane apart,
   * through a g too large for the caches; the copies stream, and the gathers then read the stage just written. On an
   * AMD Zen 5 (docs/performance.md, session 38; one tower, two threads, the best of 15–30 passes alternating in one
   * process): conv1's backward pass 64.5 → 55.6–56.9 ms (AlexNet2012) and 74.2 → 61.2 ms (AlexNetTorchvision),
   * MiniAlexNet's conv2 13.6 → 13.0 ms; AlexNet2012's conv2 90.3 → 88.4 ms; its conv3 and conv5 (13×13 planes)
   * unchanged, 75.8 → 75.0 and 40.9 → 40.9 ms.
   */
  private static void transformGradient(
      ConvShape s, int tile, WinogradGradientTransform transforms, float[] g, int first, int start, int n, int outStart, int outCount, float[] rows,
      float[] out, int matrix) {
    int nr = Sgemm.panelWidth();
    int panels = (outCount + nr - 1) / nr;
    int slotsPerTile = tile * tile;
    int width = s.outWidth();
    float[] work = WinogradConvolution.transformWork();
    TileSlots slots = TileSlots.of(s, tile, start, n, outCount, nr);
    float[] stage = STAGE.get();
    if (stage.length < slots.stageSize(nr)) {
      stage = new float[slots.stageSize(nr)];
      STAGE.set(stage);
    }
    for (int panel = 0; panel < panels; panel++) {
      for (int e = 0; e < slots.examples; e++) {
        int example = (first + slots.firstExample + e) * s.outChannels();
        for (int f = 0; f < Math.min(nr, outCount - panel * nr); f++) {
          int plane = (example + outStart + panel * nr + f) * s.outPlane();
          System.arraycopy(g, plane + slots.rowStart[e] * width, stage, (e * nr + f) * slots.stagePlane, slots.rowCount[e] * width);
        }
      }
      for (int j = 0; j < n; j++) {
        int r = j * slotsPerTile * nr;
        for (int q = 0; q < slotsPerTile; q++) {
          int at = slots.index[q * n + j];
          if (at < 0) {
            Arrays.fill(rows, r + q * nr, r + (q + 1) * nr, 0f);
          } else {
            WinogradConvolution.COPY.load(stage, at, slots.filterLanes, slots.filterKeep, panel * nr, rows, r + q * nr, nr);
          }
        }
      }
      for (int j = 0; j < n; j++) {
        transforms.gradient(rows, j * slotsPerTile * nr, nr, out, (panel * n + j) * nr, matrix, work);
      }
    }
  }

  /** {@code dW[o, c] = Aᵀ M A} from F(3×3, 2×2)'s 16 sums {@code Mᵀ_ξ[c, o]}. */
  private static void transformSums3x3(ConvShape s, float[] sums, int matrix, int outCount, float[] dW, int dWOff) {
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

  /**
   * {@code dW[o, c] = Gᵀ M G} from the 49 sums {@code Mᵀ_ξ[c, o]} of F(5×5, 3×3) or F(3×3, 5×5), with the G of the
   * forward algorithm they are the duals of (F(3×3, 5×5)'s {@link WinogradConvolution#G_F3X3}, F(5×5, 3×3)'s {@link
   * WinogradConvolution#G_F5X5}) rounded to float, by its {@code columns}. Input channel by input channel, every
   * filter at once, so that the innermost loops run along rows of the sums: one filter and channel at a time in
   * float64, its 49 sums 49 kB apart, this took 13% of conv2's weight gradient in a JFR (AlexNetTorchvision's, the
   * layer alone), now 6%.
   */
  private static void transformSums7x7(ConvShape s, float[][] columns, float[] sums, int matrix, int outCount, float[] dW, int dWOff) {
    int taps = s.kernel();
    int patch = s.patch();
    // Gᵀ M of one input channel: row ky, column b of filter o at gm[(7ky + b) · outCount + o]; then one tap of every
    // filter from tap.
    float[] gm = sumsWork((taps * 7 + 1) * outCount);
    int tap = taps * 7 * outCount;
    for (int c = 0; c < s.groupInputs(); c++) {
      for (int ky = 0; ky < taps; ky++) {
        for (int b = 0; b < 7; b++) {
          combine(columns[ky], sums, c * outCount + b * matrix, 7 * matrix, gm, (7 * ky + b) * outCount, outCount);
        }
      }
      for (int ky = 0; ky < taps; ky++) {
        for (int kx = 0; kx < taps; kx++) {
          combine(columns[kx], gm, 7 * ky * outCount, outCount, gm, tap, outCount);
          int at = dWOff + c * taps * taps + taps * ky + kx;
          for (int o = 0; o < outCount; o++) {
            dW[at + o * patch] = gm[tap + o];
          }
        }
      }
    }
  }

  /**
   * {@code to[toOff + o] = Σ_i coefficients[i] · from[fromOff + i · stride + o]} for o &lt; n and i &lt; 7, the terms summed left to
   * right: seven rows combined, one store per element.
   */
  private static void combine(float[] coefficients, float[] from, int fromOff, int stride, float[] to, int toOff, int n) {
    float g0 = coefficients[0];
    float g1 = coefficients[1];
    float g2 = coefficients[2];
    float g3 = coefficients[3];
    float g4 = coefficients[4];
    float g5 = coefficients[5];
    float g6 = coefficients[6];
    for (int o = 0; o < n; o++) {
      int at = fromOff + o;
      to[toOff + o] = g0 * from[at] + g1 * from[at + stride] + g2 * from[at + 2 * stride] + g3 * from[at + 3 * stride] + g4 * from[at + 4 * stride]
          + g5 * from[at + 5 * stride] + g6 * from[at + 6 * stride];
    }
  }

  /**
   * {@code dW[o, c] = Gᵀ M G} from F(3×3, 4×4)'s 36 sums {@code Mᵀ_ξ[c, o]}, with F(4×4, 3×3)'s G ({@link
   * WinogradConvolution}'s javadoc) written out: Gᵀ's rows combine sums and differences of pairs ({@link #reduce}), six
   * multiplications for six values where its nonzero entries take 14.
   */
  private static void transformSums4x4(ConvShape s, float[] sums, int matrix, int outCount, float[] dW, int dWOff) {
    int patch = s.patch();
    int m = matrix;
    // Gᵀ M of one filter and input channel: row ky, column b at gm[6ky + b].
    float[] gm = sumsWork(18);
    for (int c = 0; c < s.groupInputs(); c++) {
      for (int o = 0; o < outCount; o++) {
        int mi = c * outCount + o;
        for (int b = 0; b < 6; b++) {
          reduce(sums[mi + b * m], sums[mi + (6 + b) * m], sums[mi + (12 + b) * m], sums[mi + (18 + b) * m], sums[mi + (24 + b) * m],
              sums[mi + (30 + b) * m], gm, b, 6);
        }
        int at = dWOff + o * patch + c * 9;
        for (int ky = 0; ky < 3; ky++) {
          int row = 6 * ky;
          reduce(gm[row], gm[row + 1], gm[row + 2], gm[row + 3], gm[row + 4], gm[row + 5], dW, at + 3 * ky, 1);
        }
      }
    }
  }

  /**
   * Gᵀ applied to six values, into {@code to[at]}, {@code to[at + step]}, {@code to[at + 2·step]}: with their pairs'
   * sums and differences p = m1 + m2, q = m1 − m2, r = m3 + m4, t = m3 − m4, the rows ¼·m0 − ⅙·p + (1/24)·r, (1/12)·t −
   * ⅙·q and ⅙·(r − p) + m5.
   */
  private static void reduce(float m0, float m1, float m2, float m3, float m4, float m5, float[] to, int at, int step) {
    float p = m1 + m2;
    float q = m1 - m2;
    float r = m3 + m4;
    float t = m3 - m4;
    to[at] = QUARTER * m0 - SIXTH * p + TWENTY_FOURTH * r;
    to[at + step] = TWELFTH * t - SIXTH * q;
    to[at + 2 * step] = SIXTH * (r - p) + m5;
  }

  /** This thread's {@link #transformSums7x7} and {@link #transformSums4x4} room, grown to {@code size}. */
  private static float[] sumsWork(int size) {
    float[] work = SUMS_WORK.get();
    if (work.length < size) {
      work = new float[size];
      SUMS_WORK.set(work);
    }
    return work;
  }
}
