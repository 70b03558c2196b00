package dev.netforge.runtime.nn;

import dev.netforge.runtime.VectorApi;

/**
 * The input and output transforms of Winograd's F(3×3, 5×5) ({@link WinogradConvolution} on 5×5 filters where 3×3
 * output tiles take fewer multiplications than {@link Winograd5x5Transforms}' 2×2 ones), each over the {@code nr}
 * tiles of one GEMM column panel: a 7×7 input tile d into V = Bᵀ d B, 49 products M into the 3×3 outputs Aᵀ M A. Both
 * passes of each are the rows of the matrix below applied to a column (then to a row) of seven values, each sum from
 * +0 by a fused multiply-add per nonzero coefficient, left to right, so every implementation gives the same bits:
 *
 * <pre>
 *      ⎡−½   ¼   5/2 −5/4 −2   1   0⎤
 *      ⎢ 0   ½   ¼  −9/4 −1    1   0⎥        ⎡1  1   1   1    1   1  0⎤
 *      ⎢ 0  −½   ¾   7/4 −3    1   0⎥   Aᵀ = ⎢0  1  −1   ½   −½   2  0⎥
 * Bᵀ = ⎢ 0   1   3/2 −2   −3/2 1   0⎥        ⎣0  1   1   ¼    ¼   4  1⎦
 *      ⎢ 0  −1   5/2  0   −5/2 1   0⎥
 *      ⎢ 0   ¼   0   −5/4  0   1   0⎥
 *      ⎣ 0  −½   ¼   5/2 −5/4 −2   1⎦
 * </pre>
 *
 * These are the Toom–Cook matrices of the points 0, 1, −1, ½, −½, 2 and ∞; {@link WinogradConvolution#transformFilters}
 * holds G. 49 multiplications per 3×3 output tile where the direct convolution takes 225, and a 27×27 plane (the
 * AlexNets' conv2) is exactly 9×9 tiles. The zero coefficients are skipped (a zero's product would add ±0 and leave a
 * finite sum as it was): the vector implementation's sums are written out without them.
 *
 * <p>The same matrices serve the dual algorithm F(5×5, 3×3), the weight gradient of those filters ({@link
 * WinogradWeightGradient}): the input's V as above, the output gradient's 3×3 tiles g into Ĝ = A g Aᵀ (A, 7×3, is Aᵀ
 * above transposed: {@link #gradient} applies Aᵀ's columns, first to g's rows, then to the columns of g Aᵀ), and the
 * 49 summed products into the 5×5 taps Gᵀ M G. Where F(3×3, 5×5) computes Σ_ξ A[ξ, i] G[ξ, k] Bᵀ[ξ, j] = [j = i + k]
 * for outputs i and taps k, swapping the roles of A and G computes the same identity with taps k as the outputs.
 */
interface WinogradF3x3Transforms extends WinogradTileTransforms, WinogradGradientTransform {
  /** The side of an input tile. */
  int ALPHA = 7;

  /** The side of an output tile. */
  int TILE = 3;

  /** Bᵀ, row by row. */
  float[] INPUT = {
    -0.5f, 0.25f, 2.5f, -1.25f, -2f, 1f, 0f,
    0f, 0.5f, 0.25f, -2.25f, -1f, 1f, 0f,
    0f, -0.5f, 0.75f, 1.75f, -3f, 1f, 0f,
    0f, 1f, 1.5f, -2f, -1.5f, 1f, 0f,
    0f, -1f, 2.5f, 0f, -2.5f, 1f, 0f,
    0f, 0.25f, 0f, -1.25f, 0f, 1f, 0f,
    0f, -0.5f, 0.25f, 2.5f, -1.25f, -2f, 1f,
  };

  /** Aᵀ, row by row. */
  float[] OUTPUT = {
    1f, 1f, 1f, 1f, 1f, 1f, 0f,
    0f, 1f, -1f, 0.5f, -0.5f, 2f, 0f,
    0f, 1f, 1f, 0.25f, 0.25f, 4f, 1f,
  };

  /**
   * The adjoint of {@link #input} for one tile and {@code channels} input channels, a multiple of 16 ({@link
   * WinogradInputGradient}): from ∂V_ξ = {@code products[at + ξ·matrix + c]}, the gradient of the tile's 7×7 input
   * window ∂d = B ∂V Bᵀ, added to {@code plane[planeAt + (i·width + k)·channels + c]} (row i, column k of the window in
   * a plane {@code width} pixels wide, each pixel's channels side by side). Both passes apply the columns of Bᵀ (the
   * rows of B) to seven values: first to each row r of ∂V (its ξ = 7r + q, q = 0…6), then to each column of that
   * result. Each sum runs from +0 by a fused multiply-add per nonzero coefficient, top to bottom, and is then added to
   * the plane's value, so every implementation gives the same bits.
   */
  void addInputGradient(float[] products, int at, int matrix, int channels, float[] plane, int planeAt, int width, float[] work);

  /** The vector implementation when this JVM has the Vector API, else the scalar one. */
  static WinogradF3x3Transforms forThisJvm() {
    return VectorApi.present() ? new VectorWinogradF3x3Transforms() : new ScalarWinogradF3x3Transforms();
  }
}
