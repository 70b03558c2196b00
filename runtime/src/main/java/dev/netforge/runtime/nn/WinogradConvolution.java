package dev.netforge.runtime.nn;

import dev.netforge.runtime.gemm.Epilogue;
import dev.netforge.runtime.gemm.Sgemm;
import java.util.Arrays;
import java.util.stream.Stream;

/**
 * A 3×3 stride-1 convolution by Winograd's minimal filtering F(4×4, 3×3) (Lavin and Gray, "Fast Algorithms for
 * Convolutional Neural Networks", 2015): each 4×4 tile of an output plane comes from the 6×6 tile of the padded input
 * under it with 36 multiplications per input channel where the direct convolution takes 144,
 *
 * <pre>
 * Y = Aᵀ [ Σ_c (G g_c Gᵀ) ⊙ (Bᵀ d_c B) ] A
 *
 *      ⎡4   0  −5   0   1   0⎤        ⎡¼     0     0  ⎤
 *      ⎢0  −4  −4   1   1   0⎥        ⎢−⅙   −⅙    −⅙  ⎥        ⎡1  1  1  1  1  0⎤
 * Bᵀ = ⎢0   4  −4  −1   1   0⎥    G = ⎢−⅙    ⅙    −⅙  ⎥   Aᵀ = ⎢0  1 −1  2 −2  0⎥
 *      ⎢0  −2  −1   2   1   0⎥        ⎢1/24  1/12  1/6⎥        ⎢0  1  1  4  4  0⎥
 *      ⎢0   2  −1  −2   1   0⎥        ⎢1/24 −1/12  1/6⎥        ⎣0  1 −1  8 −8  1⎦
 *      ⎣0   4   0  −5   0   1⎦        ⎣0     0     1  ⎦
 * </pre>
 *
 * (the Toom–Cook matrices of the points 0, 1, −1, 2, −2 and ∞; {@link WinogradF4x4Transforms}). The sum over input
 * channels is 36 GEMMs, one for each point ξ of the 6×6 transform: {@code M_ξ[o, t] = Σ_c U_ξ[o, c] · V_ξ[c, t]} over
 * the tiles t of a block ({@link #convolve}), with {@code U_ξ = (G g Gᵀ)_ξ} the filters transformed once per pass
 * ({@link #transformFilters}) and {@code V_ξ = (Bᵀ d B)_ξ} written by the input transform straight into the GEMM's
 * packed column panels, as {@link Im2col} writes patches. Partial tiles at the right and bottom edges read zeros and
 * their outputs beyond the plane are dropped: a 13×13 plane takes 16 tiles, 576 multiplications per input channel and
 * filter where F(2×2, 3×3), which this class ran everywhere until session 18, took 784 (49 tiles of 16) and the
 * direct convolution 1521. On planes where F(2×2, 3×3) takes no more multiplications (1 and 2 a side) it runs that
 * instead ({@link #outputTile}; {@link WinogradTransforms}): its 4×4 transforms cost less, and it rounds less. Where
 * 3×3 tiles take at most three quarters of their multiplications (3, 5, 6 and 9 a side: a 6×6 plane takes 100 where
 * 2×2 and 4×4 tiles take 144) it runs F(3×3, 3×3), 5×5 input tiles of the points 0, 1, −1, 2 and ∞ ({@link
 * WinogradF3x3For3x3Transforms}), with G's rows ½(1, 0, 0), −½(1, 1, 1), −⅙(1, −1, 1), ⅙(1, 2, 4) and (0, 0, 1).
 * Its float32 error lies between the two others': in a float64-checked numpy simulation of 128 channels into 96 of
 * 6×6 (Gaussian inputs, He-scaled weights, three draws) at most 1.5·10⁻⁵ (rms 1.9·10⁻⁶), F(2×2, 3×3) 2.1·10⁻⁶ and
 * F(4×4, 3×3) 4.2·10⁻⁵; of 384 into 128, 5.1·10⁻⁵ at most against F(4×4, 3×3)'s 4.6·10⁻⁵.
 *
 * <p>A 5×5 stride-1 convolution can run the same way by F(2×2, 5×5), with the same 6×6 input tiles and Bᵀ: 36
 * multiplications per 2×2 tile and input channel where the direct convolution takes 100 ({@link
 * Winograd5x5Transforms}, G below). Both transforms multiply by up to 5 and divide by up to 24 before the GEMMs, so the
 * results differ from the direct convolution's by about 20 times the direct one's own rounding, still inside the
 * references' 1e-4: a float32 simulation of F(2×2, 5×5) on 48 and 192 channels of 27×27 gave 2–4·10⁻⁵ on outputs of
 * magnitude 5, against 1–2·10⁻⁶; this class's F(4×4, 3×3) on AlexNetTorchvision's conv3 (192 channels into 384 of
 * 13×13, He-scaled weights, two examples) 3.8·10⁻⁵ at most (2.1·10⁻⁶ rms) on outputs up to 4.2 against float64, where
 * F(2×2, 3×3) gave 2.1·10⁻⁶.
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
 * <p>Where a 5×5 convolution's output planes take fewer multiplications in 3×3 tiles, counting the edge tiles' spare
 * outputs (every square plane but 1×1, 2×2 and 4×4: the AlexNets' 27×27 conv2 is exactly 9×9 tiles, 3969
 * multiplications per input channel and filter where 2×2 tiles take 7056), it runs by F(3×3, 5×5) instead, 7×7 input
 * tiles of the points 0, ±1, ±½, 2 and ∞ ({@link WinogradF3x3Transforms}, G below). Its float32 error measured as
 * F(4×4, 3×3)'s: in a float64-checked simulation over 64 channels, at most 1.0·10⁻⁵ of the largest output (median
 * 2.9·10⁻⁶), against F(4×4, 3×3)'s 9.6·10⁻⁶ (2.1·10⁻⁶).
 *
 * <pre>
 *      ⎡−2     0     0     0     0   ⎤
 *      ⎢−⅔    −⅔    −⅔    −⅔    −⅔   ⎥
 *      ⎢−2/9   2/9  −2/9   2/9  −2/9 ⎥
 * G =  ⎢16/9   8/9   4/9   2/9   1/9 ⎥
 *      ⎢16/15 −8/15  4/15 −2/15  1/15⎥
 *      ⎢2/45   4/45  8/45  16/45 32/45⎥
 *      ⎣0      0     0     0     1   ⎦
 * </pre>
 *
 * <p>3×3 filters take F(5×5, 3×3) instead where it takes fewer multiplications than F(4×4, 3×3) and so few channels
 * meet that a block's V and M fit in a core's L2 ({@link #fiveByFiveFits}): the AlexNets' conv1 over its 55×55 phase
 * planes, 121 tiles of 49 where 4×4 tiles take 196 of 36 (5929 multiplications per input channel and filter against
 * 7056). Its 7×7 input tiles and Bᵀ are F(3×3, 5×5)'s; Aᵀ ({@link WinogradF5x5Transforms}) holds the powers 0 to 4
 * of the same points, and G (below) is F(3×3, 5×5)'s first three columns. In a float64-checked numpy simulation of
 * 256 channels into 64 of 13×13 (ReLU-like inputs, He-scaled weights, everything in float32, three draws) its error
 * was at most 4.6·10⁻⁵ (rms 3.9·10⁻⁶) on outputs up to 4.4, F(4×4, 3×3)'s 4.4·10⁻⁵ (2.5·10⁻⁶).
 *
 * <pre>
 *      ⎡−2     0     0   ⎤
 *      ⎢−⅔    −⅔    −⅔   ⎥
 *      ⎢−2/9   2/9  −2/9 ⎥
 * G =  ⎢16/9   8/9   4/9 ⎥
 *      ⎢16/15 −8/15  4/15⎥
 *      ⎢2/45   4/45  8/45⎥
 *      ⎣0      0     1   ⎦
 * </pre>
 *
 * <p>{@link Conv2d} runs its forward pass this way where it {@link #applies}, and its input gradient too: at stride 1
 * that is itself a convolution of the output gradient with the flipped filters, of the same size ({@link
 * FlippedConvolution#shape}). The weight gradient takes F(3×3, 2×2) for 3×3 filters (the duals of F(4×4, 3×3) and
 * F(5×5, 3×3) on larger planes) and, where the forward pass runs by F(3×3, 5×5), its dual F(5×5, 3×3) for 5×5 ones
 * ({@link WinogradWeightGradient}), whose tiles {@link
 * #transformInput} and {@link #tileOffsets} cut too ({@link TileRuns} and {@link TileSlots} place their outputs).
 */
final class WinogradConvolution {

  /**
   * Input channels times filters (of one tower slice) from which it is used. Measured on AVX-512: in session 13 one
   * layer on one thread gained down to 64 × 64 (13×13 planes) but MiniAlexNet's conv3–conv5 (96 to 128 inputs, 64 to
   * 96 filters, 6×6 planes) gained nothing in whole training steps, so until session 33 only the AlexNets' 192 × 128
   * and up ran this way. With the later transforms, kernel and weight gradient (leaves of 32 examples, {@link
   * BatchTree#longLeaf}) MiniAlexNet's conv3–conv5 took 45–47 ms a step against 64–67 (bench, batch 128,
   * Intel Xeon, three alternating pairs; docs/performance.md, session 33).
   */
  private static final int MIN_CHANNEL_PRODUCT = 4_096;

  /**
   * {@link #MIN_CHANNEL_PRODUCT} for 5×5 filters, where the algorithms save 2.6 times the multiplications or more
   * (F(3×3, 5×5) on 27×27 planes 4.6) instead of 1.9: the AlexNets' conv2 (48 × 128 a tower, 64 × 192) and, since
   * session 33, MiniAlexNet's (32 × 64 a tower, 14×14 planes): 39–42 ms a step against 56–58, and with conv3–conv5
   * the step 0.136–0.140 s against 0.167–0.173 (three alternating pairs). In session 32, before the leaves of 32, it had
   * gained nothing.
   */
  private static final int MIN_CHANNEL_PRODUCT_5X5 = 2_048;

  /**
   * Column panels of tiles per block: V and M take 36 · (inputs + filters) · 32 floats a panel (AlexNetTorchvision's
   * conv3: 2.7 MB), and each block reads all 36 packed U_ξ once. One panel measured faster than two or four for
   * AlexNetTorchvision's conv3–conv5 by F(4×4, 3×3), forward and backward (docs/performance.md, session 18), and no
   * slower for conv2 by F(2×2, 5×5) (not measured again for F(3×3, 5×5)'s 49 points).
   */
  private static final int BLOCK_PANELS = 1;

  /**
   * Bytes of a block's V_ξ and M_ξ up to which 3×3 filters take F(5×5, 3×3) where it takes fewer multiplications than
   * F(4×4, 3×3) ({@link #fiveByFiveFits}), the size of this Xeon's L2 (2 MB a core). Measured (docs/performance.md,
   * session 37): the AlexNets' conv1 over its phase planes (48 channels into 96 or 64 filters, 0.9 or 0.7 MB) forward
   * 6% faster alone (one tower, the best of 30 passes) and 13–17% in one A/B of whole steps, its weight gradient 6%
   * alone; AlexNet2012's conv3–conv5 (1.6–2.8 MB a tower) no faster forward, and AlexNetTorchvision's (3.6–4 MB)
   * slower in whole steps even with the filters cut into bands that fit.
   */
  private static final long FIVE_BY_FIVE_BLOCK_BYTES = 2L << 20;

  /** The block {@link #fiveByFiveFits} counts: one panel of the AVX-512 kernel's 32 tiles, the widest this engine has. */
  private static final int FIT_BLOCK_COLUMNS = 32;

  /**
   * Floats between one ξ's V (or M) and the next's, past their size: without it the 36 rows the transforms read and
   * write per tile lay a multiple of 4 kB apart, in the same few sets of the L1 cache (AlexNetTorchvision's conv3, one
   * layer's forward pass and input gradient: output transform 66 → 53 ms, both threads' time). {@link
   * WinogradWeightGradient} pads its matrices by as much.
   */
  static final int MATRIX_PAD = 16;

  /** F(4×4, 3×3)'s transforms, whose dual F(3×3, 4×4) {@link WinogradWeightGradient} takes too. */
  static final WinogradF4x4Transforms TRANSFORMS_4X4 = WinogradF4x4Transforms.forThisJvm();
  /** F(2×2, 3×3)'s transforms, whose dual F(3×3, 2×2) {@link WinogradWeightGradient} takes too. */
  static final WinogradTransforms TRANSFORMS_2X2 = WinogradTransforms.forThisJvm();
  private static final Winograd5x5Transforms TRANSFORMS_5X5 = Winograd5x5Transforms.forThisJvm();
  /** F(3×3, 5×5)'s transforms, which {@link WinogradWeightGradient}'s dual F(5×5, 3×3) takes too. */
  static final WinogradF3x3Transforms TRANSFORMS_F3X3 = WinogradF3x3Transforms.forThisJvm();
  /** F(5×5, 3×3)'s transforms, whose dual F(3×3, 5×5) {@link WinogradWeightGradient} takes too. */
  static final WinogradF5x5Transforms TRANSFORMS_F5X5 = WinogradF5x5Transforms.forThisJvm();
  private static final WinogradF3x3For3x3Transforms TRANSFORMS_3X3_FOR_3X3 = WinogradF3x3For3x3Transforms.forThisJvm();

  /** F(2×2, 5×5)'s G, as the class javadoc writes it; the filters are transformed in float64 and rounded once. */
  private static final double[][] G_5X5 = {
    {1 / 4.0, 0, 0, 0, 0},
    {-1 / 6.0, -1 / 6.0, -1 / 6.0, -1 / 6.0, -1 / 6.0},
    {-1 / 6.0, 1 / 6.0, -1 / 6.0, 1 / 6.0, -1 / 6.0},
    {1 / 24.0, 1 / 12.0, 1 / 6.0, 1 / 3.0, 2 / 3.0},
    {1 / 24.0, -1 / 12.0, 1 / 6.0, -1 / 3.0, 2 / 3.0},
    {0, 0, 0, 0, 1},
  };

  /** F(3×3, 5×5)'s G, as the class javadoc writes it; {@link WinogradWeightGradient}'s F(5×5, 3×3) takes Gᵀ M G. */
  static final double[][] G_F3X3 = {
    {-2, 0, 0, 0, 0},
    {-2 / 3.0, -2 / 3.0, -2 / 3.0, -2 / 3.0, -2 / 3.0},
    {-2 / 9.0, 2 / 9.0, -2 / 9.0, 2 / 9.0, -2 / 9.0},
    {16 / 9.0, 8 / 9.0, 4 / 9.0, 2 / 9.0, 1 / 9.0},
    {16 / 15.0, -8 / 15.0, 4 / 15.0, -2 / 15.0, 1 / 15.0},
    {2 / 45.0, 4 / 45.0, 8 / 45.0, 16 / 45.0, 32 / 45.0},
    {0, 0, 0, 0, 1},
  };

  /**
   * F(5×5, 3×3)'s G, as the class javadoc writes it: F(3×3, 5×5)'s rows for the same points, their first three
   * columns, and ∞'s row for three taps. {@link WinogradWeightGradient}'s dual F(3×3, 5×5) takes Gᵀ M G.
   */
  static final double[][] G_F5X5 = {
    {-2, 0, 0},
    {-2 / 3.0, -2 / 3.0, -2 / 3.0},
    {-2 / 9.0, 2 / 9.0, -2 / 9.0},
    {16 / 9.0, 8 / 9.0, 4 / 9.0},
    {16 / 15.0, -8 / 15.0, 4 / 15.0},
    {2 / 45.0, 4 / 45.0, 8 / 45.0},
    {0, 0, 1},
  };

  /** F(4×4, 3×3)'s G's entries (the class javadoc), as multipliers. */
  private static final double QUARTER = 0.25;
  private static final double SIXTH = 1 / 6.0;
  private static final double MINUS_SIXTH = -1 / 6.0;
  private static final double TWELFTH = 1 / 12.0;
  private static final double TWENTY_FOURTH = 1 / 24.0;

  /**
   * Inputs per run of {@link #transformFilters}' staging: up to 49 points × 16 inputs × 6 rows, 18.4 kB. A divisor of
   * the GEMM's block of k (256, {@link Sgemm#packA}), so that no run crosses one of the packed filters' blocks; the
   * tests' layers with more than 256 inputs or filters would fail if one did.
   */
  private static final int FILTER_CHUNK = 16;

  /** The most points of the algorithms here: F(3×3, 5×5)'s and F(5×5, 3×3)'s 7×7. */
  private static final int MAX_POINTS = WinogradF3x3Transforms.ALPHA * WinogradF3x3Transforms.ALPHA;

  /** One filter's outputs of a block, tile² rows of tiles ({@link WinogradTileTransforms#output}); kept per thread. */
  private static final ThreadLocal<float[]> OUTPUT_ROWS = ThreadLocal.withInitial(() -> new float[0]);
  /** The copies between rows of tiles and planes, which {@link WinogradWeightGradient} takes too. */
  static final TileCopy COPY = TileCopy.forThisJvm();
  private static final ThreadLocal<float[]> FILTER_STAGING =
      ThreadLocal.withInitial(() -> new float[MAX_POINTS * FILTER_CHUNK * Sgemm.panelHeight()]);
  private static final ThreadLocal<int[]> TILE_OFFSETS = ThreadLocal.withInitial(() -> new int[0]);
  /**
   * The transforms' {@code workSize} room, the most any of them takes ({@link WinogradWeightGradient} runs the same
   * objects), one per thread, fetched once per call of a transform loop.
   */
  private static final ThreadLocal<float[]> TRANSFORM_WORK =
      ThreadLocal.withInitial(
          () -> new float[Stream.of(TRANSFORMS_2X2, TRANSFORMS_3X3_FOR_3X3, TRANSFORMS_4X4, TRANSFORMS_F5X5, TRANSFORMS_5X5, TRANSFORMS_F3X3)
              .mapToInt(WinogradInputTransform::workSize)
              .max()
              .getAsInt()]);

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

  /**
   * The side of the output tiles this class computes for {@code s}'s filters: for 3×3 ones the fewest multiplications
   * per input channel and filter, the smaller tile on a tie (its transforms cost less, and it rounds less): 2, 4, or 5
   * where {@link #fiveByFiveFits}, and 3 where it takes at most three quarters of what 2 and 4 take (planes of 3, 5, 6
   * and 9 a side: MiniAlexNet's 6×6 conv3–conv5 take 100 in 3×3 tiles, 144 in 2×2 or 4×4, 196 in 5×5; the AlexNets'
   * 13×13 576 in 4×4, 625 in 3×3); for 5×5 ones 3 where that takes fewer multiplications than 2 (the class javadoc).
   *
   * <p>F(3×3, 3×3) was measured faster on 6×6 planes only, where it saves 31%. Where it saves little it rounds
   * differently for no gain: on the 3×10 planes of random network 5802, whose output amplifies that layer's rounding
   * about forty times, it took 7% fewer multiplications than F(4×4, 3×3) and the output missed the float64 reference's
   * 1e-4 (1.3·10⁻⁴; F(4×4, 3×3) 8.4·10⁻⁵), though the two algorithms' errors were alike in a simulation of that layer
   * (about 2·10⁻⁶ of the output's norm).
   */
  static int outputTile(ConvShape s) {
    if (s.kernel() == 3) {
      return threeByThreeTile(s, true);
    }
    long inTwos = 36L * tiles(s, 2);
    long inThrees = 49L * tiles(s, 3);
    return inThrees < inTwos ? 3 : 2;
  }

  /**
   * {@link #outputTile}'s rule for 3×3 filters, which {@link WinogradWeightGradient} takes for its duals' gradient
   * tiles too: of 2, 4 and (where {@link #fiveByFiveFits}) 5 the fewest multiplications, the smaller on a tie; 3, where
   * {@code threes} allows it, where it takes at most three quarters of what 2 and 4 take and fewer than 5.
   */
  static int threeByThreeTile(ConvShape s, boolean threes) {
    long inTwos = 16L * tiles(s, 2);
    long inFours = 36L * tiles(s, 4);
    long inFives = fiveByFiveFits(s) ? 49L * tiles(s, 5) : Long.MAX_VALUE;
    long inThrees = 25L * tiles(s, 3);
    if (threes && 4 * inThrees <= 3 * Math.min(inTwos, inFours) && inThrees < inFives) {
      return 3;
    }
    if (inTwos <= Math.min(inFours, inFives)) {
      return 2;
    }
    return inFours <= inFives ? 4 : 5;
  }

  /**
   * Whether 3×3 filters of {@code s} may take F(5×5, 3×3) ({@link #outputTile}), and their weight gradient its dual
   * ({@link WinogradWeightGradient}): where a block's 49 V_ξ and M_ξ, for all of {@code s}'s filters, fit in {@value
   * #FIVE_BY_FIVE_BLOCK_BYTES} bytes in blocks of {@value #FIT_BLOCK_COLUMNS} tiles, whatever this machine's block.
   *
   * <p>So every machine takes the same algorithms. With the machine's own blocks, AVX2's 16 tiles (the 6×16 kernel's
   * panel) admitted F(5×5, 3×3) where AVX-512's 32 do not: for AlexNet2012's conv3–conv5, which it had measured no
   * faster on the Xeon, and for the 3×10 planes of random network 5802 (98 multiplications per input channel and
   * filter against 4×4 tiles' 108), whose output, which amplifies that layer's rounding about forty times, then missed
   * the float64 reference's 1e-4 (1.009·10⁻⁴; {@code -XX:UseAVX=2} on a Zen 5, docs/performance.md, session 43).
   */
  static boolean fiveByFiveFits(ConvShape s) {
    return 49L * (s.groupInputs() + s.outChannels()) * FIT_BLOCK_COLUMNS * Float.BYTES <= FIVE_BY_FIVE_BLOCK_BYTES;
  }

  /** Points of the transform ({@code (outputTile + kernel − 1)²}): GEMMs per block of tiles. */
  static int points(ConvShape s) {
    int alpha = outputTile(s) + s.kernel() - 1;
    return alpha * alpha;
  }

  private static WinogradTileTransforms transforms(ConvShape s) {
    if (s.kernel() == 3) {
      return switch (outputTile(s)) {
        case 2 -> TRANSFORMS_2X2;
        case 3 -> TRANSFORMS_3X3_FOR_3X3;
        case 4 -> TRANSFORMS_4X4;
        default -> TRANSFORMS_F5X5;
      };
    }
    return outputTile(s) == 3 ? TRANSFORMS_F3X3 : TRANSFORMS_5X5;
  }

  private static int tilesHigh(ConvShape s, int tile) {
    return (s.outHeight() + tile - 1) / tile;
  }

  static int tilesWide(ConvShape s, int tile) {
    return (s.outWidth() + tile - 1) / tile;
  }

  /** Tiles of one example's output plane: the columns it adds to each GEMM. */
  static int tiles(ConvShape s) {
    return tiles(s, outputTile(s));
  }

  /** Tiles of one example's output plane, of {@code tile × tile} outputs each. */
  static int tiles(ConvShape s, int tile) {
    return tilesHigh(s, tile) * tilesWide(s, tile);
  }

  /** Tiles a block of {@link #convolve} takes: {@value #BLOCK_PANELS} of the micro-kernel's column panels. */
  static int blockColumns() {
    return BLOCK_PANELS * Sgemm.panelWidth();
  }

  /** Floats of one zero-padded input plane ({@code (tile·tilesHigh + kernel − 1) × (tile·tilesWide + kernel − 1)}). */
  static int planeSize(ConvShape s, int tile) {
    return (tile * tilesHigh(s, tile) + s.kernel() - 1) * planeWidth(s, tile);
  }

  static int planeWidth(ConvShape s, int tile) {
    return tile * tilesWide(s, tile) + s.kernel() - 1;
  }

  /** Floats of the zero-padded planes of one channel, side by side, of the examples one block's tiles lie in. */
  static int planesSize(ConvShape s) {
    return planesSize(s, outputTile(s), blockColumns());
  }

  /**
   * {@link #planesSize} for blocks of {@code block} tiles of {@code tile × tile} outputs: they lie in at most {@code
   * (block − 1) / tiles + 2} examples.
   */
  static int planesSize(ConvShape s, int tile, int block) {
    return ((block - 1) / tiles(s, tile) + 2) * planeSize(s, tile);
  }

  /** Floats of one block's packed V_ξ. */
  static int transformedInputSize(ConvShape s) {
    return points(s) * transformedMatrix(s.groupInputs());
  }

  /** Floats of one block's products M_ξ for {@code outCount} filters. */
  static int productsSize(ConvShape s, int outCount) {
    return points(s) * productMatrix(outCount);
  }

  /** Floats from one ξ's packed V to the next's. */
  private static int transformedMatrix(int inputs) {
    return Sgemm.packedSize(inputs, blockColumns()) + MATRIX_PAD;
  }

  /** Floats from one ξ's M to the next's. */
  private static int productMatrix(int outCount) {
    return outCount * blockColumns() + MATRIX_PAD;
  }

  /** Floats of the packed U_ξ of {@code rows × inputs} filters of {@code s}'s size. */
  static int filtersSize(ConvShape s, int rows, int inputs) {
    return points(s) * Sgemm.packedASize(rows, inputs);
  }

  /**
   * Transforms {@code rows × inputs} filters of {@code s}'s size (k×k, k = 3 or 5), for the output tiles of {@code s}
   * ({@link #outputTile}; an input gradient's are those of its own shape), into the packed U_ξ, written where
   * {@link Sgemm#packA} would put them (ξ's from {@code packed[ξ · packedASize(rows, inputs)]}). Filter (r, q) is
   * {@code weight[(first + r) · patch + q · k² + i]}, or, {@code flipped}, the input gradient's {@code weight[(first +
   * q) · patch + r · k² + k² − 1 − i]}: filter q's input channel r, turned by 180°.
   */
  static void transformFilters(ConvShape s, float[] weight, int patch, int first, int rows, int inputs, boolean flipped, float[] packed) {
    int mr = Sgemm.panelHeight();
    int matrix = Sgemm.packedASize(rows, inputs);
    int taps = s.kernel() * s.kernel();
    int step = flipped ? -1 : 1;
    // A panel's rows and FILTER_CHUNK inputs at a time into a small staging array, then each ξ's run of them copied
    // to its U_ξ: written in place, the points' 36 stores per filter fell a multiple of 4 kB apart (U_ξ's size), on
    // the same few lines of the L1 cache, and the transform ran at under 1 GB/s.
    int points = points(s);
    int chunk = FILTER_CHUNK * mr;
    float[] staged = FILTER_STAGING.get();
    double[] gg = new double[3 * WinogradF3x3Transforms.ALPHA];
    int tile = outputTile(s);
    double[][] g5x5 = tile == 3 ? G_F3X3 : G_5X5;
    for (int panel = 0; panel < rows; panel += mr) {
      int panelEnd = Math.min(rows, panel + mr);
      for (int q0 = 0; q0 < inputs; q0 += FILTER_CHUNK) {
        int qEnd = Math.min(inputs, q0 + FILTER_CHUNK);
        for (int q = q0; q < qEnd; q++) {
          for (int r = panel; r < panelEnd; r++) {
            int src = flipped ? (first + q) * patch + r * taps + taps - 1 : (first + r) * patch + q * taps;
            int u = (q - q0) * mr + r - panel;
            if (s.kernel() == 5) {
              transform5x5(g5x5, weight, src, step, staged, u, chunk);
              continue;
            }
            switch (tile) {
              case 2 -> transform3x3For2x2(weight, src, step, gg, staged, u, chunk);
              case 3 -> transform3x3For3x3(weight, src, step, gg, staged, u, chunk);
              case 4 -> transform3x3(weight, src, step, gg, staged, u, chunk);
              default -> transform3x3ByG(G_F5X5, weight, src, step, gg, staged, u, chunk);
            }
          }
        }
        // A chunk lies inside one of packA's blocks of k (FILTER_CHUNK divides 256), so it is one run there.
        int at = Sgemm.packedAOffset(rows, inputs, panel, q0);
        for (int xi = 0; xi < points; xi++) {
          System.arraycopy(staged, xi * chunk, packed, xi * matrix + at, (qEnd - q0) * mr);
        }
      }
    }
    // The last panel's rows past the filters, which packA leaves zero.
    int spare = (rows + mr - 1) / mr * mr;
    for (int xi = 0; xi < points(s); xi++) {
      for (int r = rows; r < spare; r++) {
        for (int q = 0; q < inputs; q++) {
          packed[xi * matrix + Sgemm.packedAOffset(rows, inputs, r / mr * mr, q) + r % mr] = 0f;
        }
      }
    }
  }

  /**
   * One 3×3 filter's U = G g Gᵀ of F(4×4, 3×3) (G's rows written out) in float64, each of its 36 values rounded once,
   * its taps from {@code weight[src + i · step]}, to {@code packed[u + ξ · matrix]}; {@code gg} is room for G g.
   */
  private static void transform3x3(float[] weight, int src, int step, double[] gg, float[] packed, int u, int matrix) {
    for (int k = 0; k < 3; k++) {
      // Column k of G g, from column k of g's rows: at gg[3a + k].
      double p = weight[src + k * step];
      double q = weight[src + (3 + k) * step];
      double r = weight[src + (6 + k) * step];
      gg[k] = p * QUARTER;
      gg[3 + k] = (p + q + r) * MINUS_SIXTH;
      gg[6 + k] = (p - q + r) * MINUS_SIXTH;
      gg[9 + k] = p * TWENTY_FOURTH + q * TWELFTH + r * SIXTH;
      gg[12 + k] = p * TWENTY_FOURTH - q * TWELFTH + r * SIXTH;
      gg[15 + k] = r;
    }
    for (int a = 0; a < 6; a++) {
      // Row a of (G g) Gᵀ: row a of G g combined the same way.
      double p = gg[3 * a];
      double q = gg[3 * a + 1];
      double r = gg[3 * a + 2];
      int at = u + 6 * a * matrix;
      packed[at] = (float) (p * QUARTER);
      packed[at + matrix] = (float) ((p + q + r) * MINUS_SIXTH);
      packed[at + 2 * matrix] = (float) ((p - q + r) * MINUS_SIXTH);
      packed[at + 3 * matrix] = (float) (p * TWENTY_FOURTH + q * TWELFTH + r * SIXTH);
      packed[at + 4 * matrix] = (float) (p * TWENTY_FOURTH - q * TWELFTH + r * SIXTH);
      packed[at + 5 * matrix] = (float) r;
    }
  }

  /**
   * One 3×3 filter's U = G g Gᵀ of F(2×2, 3×3), G's rows (1, 0, 0), ½(1, 1, 1), ½(1, −1, 1) and (0, 0, 1) written out,
   * in float64, each of its 16 values rounded once, its taps from {@code weight[src + i · step]}, to {@code packed[u +
   * ξ · matrix]}; {@code gg} is room for G g.
   */
  private static void transform3x3For2x2(float[] weight, int src, int step, double[] gg, float[] packed, int u, int matrix) {
    for (int k = 0; k < 3; k++) {
      // Column k of G g, from column k of g's rows: at gg[3a + k].
      double p = weight[src + k * step];
      double q = weight[src + (3 + k) * step];
      double r = weight[src + (6 + k) * step];
      gg[k] = p;
      gg[3 + k] = (p + q + r) * 0.5;
      gg[6 + k] = (p - q + r) * 0.5;
      gg[9 + k] = r;
    }
    for (int a = 0; a < 4; a++) {
      // Row a of (G g) Gᵀ: row a of G g combined the same way.
      double p = gg[3 * a];
      double q = gg[3 * a + 1];
      double r = gg[3 * a + 2];
      int at = u + 4 * a * matrix;
      packed[at] = (float) p;
      packed[at + matrix] = (float) ((p + q + r) * 0.5);
      packed[at + 2 * matrix] = (float) ((p - q + r) * 0.5);
      packed[at + 3 * matrix] = (float) r;
    }
  }

  /**
   * One 3×3 filter's U = G g Gᵀ of F(3×3, 3×3), G's rows ½(1, 0, 0), −½(1, 1, 1), −⅙(1, −1, 1), ⅙(1, 2, 4) and (0, 0,
   * 1) written out, in float64, each of its 25 values rounded once, its taps from {@code weight[src + i · step]}, to
   * {@code packed[u + ξ · matrix]}; {@code gg} is room for G g. Through {@link #transform3x3ByG}'s loops over G's rows
   * the filter transform took a fifth of MiniAlexNet's conv3 forward pass, on the calling thread while the other
   * worker waited.
   */
  private static void transform3x3For3x3(float[] weight, int src, int step, double[] gg, float[] packed, int u, int matrix) {
    for (int k = 0; k < 3; k++) {
      // Column k of G g, from column k of g's rows: at gg[3a + k].
      double p = weight[src + k * step];
      double q = weight[src + (3 + k) * step];
      double r = weight[src + (6 + k) * step];
      gg[k] = p * 0.5;
      gg[3 + k] = (p + q + r) * -0.5;
      gg[6 + k] = (p - q + r) * MINUS_SIXTH;
      gg[9 + k] = (p + 2 * q + 4 * r) * SIXTH;
      gg[12 + k] = r;
    }
    for (int a = 0; a < 5; a++) {
      // Row a of (G g) Gᵀ: row a of G g combined the same way.
      double p = gg[3 * a];
      double q = gg[3 * a + 1];
      double r = gg[3 * a + 2];
      int at = u + 5 * a * matrix;
      packed[at] = (float) (p * 0.5);
      packed[at + matrix] = (float) ((p + q + r) * -0.5);
      packed[at + 2 * matrix] = (float) ((p - q + r) * MINUS_SIXTH);
      packed[at + 3 * matrix] = (float) ((p + 2 * q + 4 * r) * SIXTH);
      packed[at + 4 * matrix] = (float) r;
    }
  }

  /**
   * One 3×3 filter's U = G g Gᵀ by the 7×3 {@code g} of F(5×5, 3×3) in float64, each of its 49 values rounded once, its
   * taps from {@code weight[src + i · step]}, to {@code packed[u + ξ · matrix]}; {@code gg} is room for G g. Its sums
   * written out, three terms each: through {@link #transform5x5}'s loops over the taps, the filters of
   * AlexNet2012's conv3 took 8 ms a forward pass, on the calling thread while the other worker waited.
   */
  private static void transform3x3ByG(double[][] g, float[] weight, int src, int step, double[] gg, float[] packed, int u, int matrix) {
    int alpha = g.length;
    for (int k = 0; k < 3; k++) {
      // Column k of G g, from column k of g's rows: at gg[3a + k].
      double p = weight[src + k * step];
      double q = weight[src + (3 + k) * step];
      double r = weight[src + (6 + k) * step];
      for (int a = 0; a < alpha; a++) {
        double[] ga = g[a];
        gg[3 * a + k] = ga[0] * p + ga[1] * q + ga[2] * r;
      }
    }
    for (int a = 0; a < alpha; a++) {
      // Row a of (G g) Gᵀ: row a of G g combined by each row of G.
      double p = gg[3 * a];
      double q = gg[3 * a + 1];
      double r = gg[3 * a + 2];
      int at = u + alpha * a * matrix;
      for (int b = 0; b < alpha; b++) {
        double[] gb = g[b];
        packed[at + b * matrix] = (float) (gb[0] * p + gb[1] * q + gb[2] * r);
      }
    }
  }

  /**
   * One 5×5 filter's U = G g Gᵀ of F(2×2, 5×5) or F(3×3, 5×5) (its G, 6 or 7 rows) in float64, each of its values
   * rounded once, its taps from {@code weight[src + i · step]}, to {@code packed[u + ξ · matrix]}.
   */
  static void transform5x5(double[][] g, float[] weight, int src, int step, float[] packed, int u, int matrix) {
    int alpha = g.length;
    for (int a = 0; a < alpha; a++) {
      // Row a of G g.
      double h0 = gRow(g, weight, src, step, a, 0);
      double h1 = gRow(g, weight, src, step, a, 1);
      double h2 = gRow(g, weight, src, step, a, 2);
      double h3 = gRow(g, weight, src, step, a, 3);
      double h4 = gRow(g, weight, src, step, a, 4);
      for (int b = 0; b < alpha; b++) {
        double[] gb = g[b];
        packed[u + (alpha * a + b) * matrix] = (float) (h0 * gb[0] + h1 * gb[1] + h2 * gb[2] + h3 * gb[3] + h4 * gb[4]);
      }
    }
  }

  /** {@code (G g)[a][k]} of the 5×5 filter whose taps are {@code weight[src + i · step]}. */
  private static double gRow(double[][] g, float[] weight, int src, int step, int a, int k) {
    double sum = 0;
    for (int i = 0; i < 5; i++) {
      sum += g[a][i] * weight[src + (5 * i + k) * step];
    }
    return sum;
  }

  /**
   * Convolves the tiles {@code [tileStart, tileEnd)} of the batch (each example's {@link #tiles} one after the other):
   * their {@code s.groupInputs()} channels from {@code inStart} of {@code x} (examples of {@code s.inChannels()}
   * planes; or, where {@code phases} is not {@code null}, the phase planes of x, {@link #transformInput}) with {@code
   * outCount} filters ({@link #transformFilters}), into channels {@code [yStart, yStart + outCount)} of {@code y}
   * (examples of {@code yChannels} planes of {@code s.outPlane()}): {@code y = mask · relu(conv + bias[yStart + o])},
   * or, {@code accumulate}, {@code y += conv} ({@code bias} and {@code mask} may be {@code null}). {@code planes},
   * {@code transformed} and {@code products} are scratch of {@link #planesSize}, {@link #transformedInputSize} and
   * {@link #productsSize}.
   *
   * <p>The tiles are taken a block of {@link #blockColumns} at a time from {@code tileStart} (a block may end inside an
   * example): transformed, multiplied and transformed back while the block's V and M are in the core's cache. All
   * tiles at once, V and M of a few examples (megabytes each) went out to L3 between the three steps. Each tile's
   * outputs are the same whichever block it falls in, so callers may split the tiles anywhere.
   */
  static void convolve(
      ConvShape s,
      float[] x,
      PhasePlanes phases,
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
    int transformedMatrix = transformedMatrix(inputs);
    int packedFilters = Sgemm.packedASize(outCount, inputs);
    int productMatrix = productMatrix(outCount);
    int nr = Sgemm.panelWidth();
    int points = points(s);
    for (int start = tileStart; start < tileEnd; start += block) {
      int n = Math.min(block, tileEnd - start);
      transformInput(s, outputTile(s), transforms(s), x, phases, 0, start, n, inStart, planes, transformed, transformedMatrix, nr, inputs * nr);
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
   * {@code first}, {@code matrix} apart for each ξ: per channel, the rows those tiles read of the planes of the
   * examples they lie in, zero-padded side by side in {@code planes}, then each {@link Sgemm#panelWidth} tiles (of
   * {@code tile × tile} outputs) by {@code transforms}, channel c's from {@code c · channelStride + panel ·
   * panelStride}. As the GEMM's packed B panels ({@code channelStride = panelWidth}, {@code panelStride = inputs ·
   * panelWidth}), or as rows of tiles ({@link WinogradWeightGradient}). The planes are x's own, or, where {@code phases}
   * is not {@code null} ({@code s} is then its phase form), the phase planes of x's strided convolution ({@link
   * PhasePlanes#copyRows}).
   */
  static void transformInput(
      ConvShape s, int tile, WinogradInputTransform transforms, float[] x, PhasePlanes phases, int first, int start, int n, int inStart,
      float[] planes, float[] transformed, int matrix, int channelStride, int panelStride) {
    int inputs = s.groupInputs();
    int tiles = tiles(s, tile);
    int tilesWide = tilesWide(s, tile);
    int width = planeWidth(s, tile);
    int planeSize = planeSize(s, tile);
    int alpha = tile + s.kernel() - 1;
    int p = s.padding();
    int nr = Sgemm.panelWidth();
    int panels = (n + nr - 1) / nr;
    int firstExample = start / tiles;
    int examples = (start + n - 1) / tiles - firstExample + 1;
    int[] tileAt = tileOffsets(s, tile, start, n, panels * nr, width, planeSize);
    float[] work = transformWork();
    // The padding stays zero: each channel writes only the planes' interiors.
    Arrays.fill(planes, 0, examples * planeSize, 0f);
    for (int c = 0; c < inputs; c++) {
      for (int e = 0; e < examples; e++) {
        // The padded rows under the example's tiles in the block: a block of 32 tiles covers a few rows of a large
        // plane's tiles (conv1's phase planes: 3 of 14).
        int exampleStart = (firstExample + e) * tiles;
        int firstTile = Math.max(start, exampleStart) - exampleStart;
        int lastTile = Math.min(start + n, exampleStart + tiles) - 1 - exampleStart;
        int rowStart = tile * (firstTile / tilesWide);
        int rowEnd = tile * (lastTile / tilesWide) + alpha;
        int example = first + firstExample + e;
        if (phases != null) {
          phases.copyRows(x, example, inStart + c, rowStart, rowEnd, planes, e * planeSize, width);
          continue;
        }
        int src = (example * s.inChannels() + inStart + c) * s.inPlane();
        for (int iy = Math.max(0, rowStart - p); iy < Math.min(s.inHeight(), rowEnd - p); iy++) {
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
   * Where each of the tiles {@code [start, start + n)} starts (its top left corner, {@code tile} rows and columns on) in
   * the side-by-side planes ({@code planeSize} apart, rows {@code width} apart) of the examples they lie in, the first
   * of them at 0; the columns up to {@code length} past them point at 0 (their GEMM results are dropped). Kept per
   * thread: valid until the thread's next call.
   */
  static int[] tileOffsets(ConvShape s, int tile, int start, int n, int length, int width, int planeSize) {
    int[] tileAt = TILE_OFFSETS.get();
    if (tileAt.length < length) {
      tileAt = new int[length];
      TILE_OFFSETS.set(tileAt);
    }
    int tilesWide = tilesWide(s, tile);
    int tiles = tiles(s, tile);
    int firstExample = start / tiles;
    for (int j = 0; j < length; j++) {
      int e = (start + j) / tiles - firstExample;
      int t = (start + j) % tiles;
      tileAt[j] = j < n ? e * planeSize + tile * (t / tilesWide) * width + tile * (t % tilesWide) : 0;
    }
    return tileAt;
  }

  /**
   * {@code Y = Aᵀ M A} for every filter and the tiles {@code [start, start + n)}, each output with the epilogue (or
   * added) as it is stored, a run of the plane at a time ({@link TileRuns}); M_ξ's rows are {@code ldm} apart.
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
    int nr = Sgemm.panelWidth();
    int panels = (n + nr - 1) / nr;
    int ld = panels * nr;
    float[] work = transformWork();
    WinogradTileTransforms transforms = transforms(s);
    int tile = outputTile(s);
    TileRuns runs = TileRuns.of(s, tile, ld, 0, start, n, yChannels);
    float[] rows = OUTPUT_ROWS.get();
    if (rows.length < tile * tile * ld) {
      rows = new float[tile * tile * ld];
      OUTPUT_ROWS.set(rows);
    }
    for (int o = 0; o < outCount; o++) {
      for (int panel = 0; panel < panels; panel++) {
        transforms.output(products, o * ldm + panel * nr, productMatrix, rows, panel * nr, ld, work);
      }
      float b = bias == null ? 0f : bias[yStart + o];
      int channel = (yStart + o) * s.outPlane();
      COPY.store(rows, runs, y, channel, b, relu, mask, accumulate);
    }
  }
}
