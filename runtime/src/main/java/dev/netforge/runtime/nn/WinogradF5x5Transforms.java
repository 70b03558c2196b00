package dev.netforge.runtime.nn;

import dev.netforge.runtime.VectorApi;

/**
 * The output transform of Winograd's F(5×5, 3×3) ({@link WinogradConvolution} on 3×3 filters and planes where 5×5
 * output tiles take the fewest multiplications: the AlexNets' 13×13 conv3–conv5, 9 tiles of 49 where 4×4 tiles take 16
 * of 36), each over the {@code nr} tiles of one GEMM column panel, and the gradient transform of its dual F(3×3, 5×5)
 * ({@link WinogradWeightGradient} on the same planes). Its 7×7 input tiles and Bᵀ are F(3×3, 5×5)'s ({@link
 * WinogradF3x3Transforms}: the points 0, 1, −1, ½, −½, 2 and ∞), and so is its input transform; the output transform
 * takes the 49 products of a tile to its 5×5 outputs, and the gradient transform a 5×5 tile of the output gradient to
 * its 49 values Ĝ = A g Aᵀ. Every coefficient is a power of two, so each product is exact and only the sums round;
 * every implementation evaluates the same sums in the same order, so they give the same bits:
 *
 * <pre>
 * output, M 7×7 → Y = Aᵀ M A:   with a = M1 + M2, b = M1 − M2, c = M3 + M4, d = M3 − M4 of rows M0…M6, the rows
 *                                 s0 = ((M0 + a) + c) + M5,   s1 = (b + ½d) + 2·M5,   s2 = (a + ¼c) + 4·M5,
 *                                 s3 = (b + ⅛d) + 8·M5,       s4 = ((a + (1/16)·c) + 16·M5) + M6;
 *                               then each row of those, its columns combined the same way: Y[5r] … Y[5r + 4]
 *
 * gradient, g 5×5 → Ĝ = A g Aᵀ:   with e = (g0 + g2) + g4, o = g1 + g3, f = (g0 + ¼·g2) + (1/16)·g4,
 *                                 h = ½·g1 + ⅛·g3 of a row's five values, its seven columns g0, e + o, e − o, f + h,
 *                                 f − h, ((g0 + 4·g2) + 16·g4) + (2·g1 + 8·g3), g4; then each column of those
 *                                 combined the same way: Ĝ[q], Ĝ[7 + q] … Ĝ[42 + q]
 *
 *      ⎡1  1   1   1     1     1   0⎤
 *      ⎢0  1  −1   ½    −½     2   0⎥
 * Aᵀ = ⎢0  1   1   ¼     ¼     4   0⎥
 *      ⎢0  1  −1   ⅛    −⅛     8   0⎥
 *      ⎣0  1   1  1/16  1/16  16   1⎦
 * </pre>
 *
 * {@link WinogradConvolution#transformFilters} holds G.
 */
interface WinogradF5x5Transforms extends WinogradTileTransforms, WinogradGradientTransform {
  /** The side of an output tile. */
  int TILE = 5;

  /** The vector implementation when this JVM has the Vector API, else the scalar one. */
  static WinogradF5x5Transforms forThisJvm() {
    return VectorApi.present() ? new VectorWinogradF5x5Transforms() : new ScalarWinogradF5x5Transforms();
  }
}
