package dev.netforge.runtime.nn;

import dev.netforge.runtime.VectorApi;

/**
 * The input and output transforms of Winograd's F(3×3, 3×3) ({@link WinogradConvolution} on 3×3 filters and planes
 * where 3×3 output tiles take the fewest multiplications: MiniAlexNet's 6×6 conv3–conv5, 4 tiles of 25 where 2×2 tiles
 * take 9 of 16 and 4×4 tiles 4 of 36), each over the {@code nr} tiles of one GEMM column panel: a 5×5 input tile d
 * into V = Bᵀ d B, 25 products M into the 3×3 outputs Aᵀ M A. These are the Toom–Cook matrices of the points 0, 1, −1, 2 and ∞; {@link
 * WinogradConvolution#transformFilters} holds G. Both passes of each transform apply the same combination to a column
 * (then to a row) of values, written with shared sums and differences; every implementation evaluates them in the
 * same order, a rounding after each product and each sum, so they give the same bits:
 *
 * <pre>
 * input, x0…x4 → v0…v4:    with s = x3 − x2:  v0 = 2·(x0 − x2) + (x3 − x1),  v1 = s − 2·x1,  v2 = s + 2·(x1 − x2),
 *                           v3 = x3 − x1,  v4 = 2·(x1 − x3) + (x4 − x2)
 * output, m0…m4 → y0…y2:   with a = m1 + m2:  y0 = (m0 + a) + m3,  y1 = (m1 − m2) + 2·m3,  y2 = (a + 4·m3) + m4
 *
 *      ⎡2  −1  −2   1   0⎤
 *      ⎢0  −2  −1   1   0⎥        ⎡1  1   1  1  0⎤
 * Bᵀ = ⎢0   2  −3   1   0⎥   Aᵀ = ⎢0  1  −1  2  0⎥
 *      ⎢0  −1   0   1   0⎥        ⎣0  1   1  4  1⎦
 *      ⎣0   2  −1  −2   1⎦
 * </pre>
 */
interface WinogradF3x3For3x3Transforms extends WinogradTileTransforms {
  /** The side of an input tile. */
  int ALPHA = 5;

  /** The side of an output tile. */
  int TILE = 3;

  /** The vector implementation when this JVM has the Vector API, else the scalar one. */
  static WinogradF3x3For3x3Transforms forThisJvm() {
    return VectorApi.present() ? new VectorWinogradF3x3For3x3Transforms() : new ScalarWinogradF3x3For3x3Transforms();
  }
}
