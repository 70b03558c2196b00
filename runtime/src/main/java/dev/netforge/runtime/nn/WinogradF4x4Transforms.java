package dev.netforge.runtime.nn;

import dev.netforge.runtime.VectorApi;

/**
 * The input and output transforms of Winograd's F(4×4, 3×3) ({@link WinogradConvolution} on 3×3 filters), each over
 * the {@code nr} tiles of one GEMM column panel, and the gradient transform of its dual F(3×3, 4×4) ({@link
 * WinogradWeightGradient} on 3×3 filters and larger planes). The input transform is F(2×2, 5×5)'s ({@link
 * Winograd5x5Transforms}: the same 6×6 tiles and the same Bᵀ, of the points 0, 1, −1, 2, −2 and ∞); the output
 * transform takes the 36 products of a tile to its 4×4 outputs, and the gradient transform a 4×4 tile of the output
 * gradient to its 36 values Ĝ = A g Aᵀ. Every implementation evaluates the same sums, differences and multiplications by
 * powers of two (exact) in the same order, so they give the same bits:
 *
 * <pre>
 * output, M 6×6 → Y = Aᵀ M A:   with a = M1 + M2, b = M1 − M2, c = M3 + M4, d = M3 − M4 of rows M0…M5, the rows
 *                                 s0 = (M0 + a) + c,  s1 = b + 2d,  s2 = a + 4c,  s3 = (b + 8d) + M5;
 *                               then each row of those, its columns combined the same way: Y[4r] … Y[4r + 3]
 *
 * gradient, g 4×4 → Ĝ = A g Aᵀ:   with a = g0 + g2, b = g1 + g3, c = g0 + 4·g2, d = 2·g1 + 8·g3 of a row's four
 *                                 values, its six columns g0, a + b, a − b, c + d, c − d, g3; then each column of
 *                                 those combined the same way: Ĝ[q], Ĝ[6 + q] … Ĝ[30 + q]
 *
 *      ⎡1  1  1  1  1  0⎤
 * Aᵀ = ⎢0  1 −1  2 −2  0⎥
 *      ⎢0  1  1  4  4  0⎥
 *      ⎣0  1 −1  8 −8  1⎦
 * </pre>
 *
 * {@link WinogradConvolution#transformFilters} holds G.
 */
interface WinogradF4x4Transforms extends WinogradTileTransforms, WinogradGradientTransform {
  /** The vector implementation when this JVM has the Vector API, else the scalar one. */
  static WinogradF4x4Transforms forThisJvm() {
    return VectorApi.present() ? new VectorWinogradF4x4Transforms() : new ScalarWinogradF4x4Transforms();
  }
}
