package dev.netforge.runtime.nn;

import dev.netforge.runtime.VectorApi;

/**
 * The transforms of Winograd's 4-point algorithms, of the points 0, 1, −1 and ∞: F(3×3, 2×2)'s ({@link
 * WinogradWeightGradient}: the input, and the output gradient) and F(2×2, 3×3)'s ({@link WinogradConvolution} on
 * planes where 2×2 tiles take no more multiplications than 4×4 ones: the input, the same, and the output), each over
 * the {@code nr} tiles of one GEMM column panel ({@code nr} = {@link dev.netforge.runtime.gemm.Sgemm#panelWidth}).
 * Every implementation evaluates the same sums and differences in the same order, so they give the same bits:
 *
 * <pre>
 * input,  d 4×4 → V = Bᵀ d B:   rows a = d0 − d2, b = d1 + d2, c = d2 − d1, e = d1 − d3; then each row r of those:
 *                               V[4r] = r0 − r2, V[4r + 1] = r1 + r2, V[4r + 2] = r2 − r1, V[4r + 3] = r1 − r3
 * gradient, g 2×2 → Ĝ = G g Gᵀ: rows [g00, g01], ½(row 0 + row 1), ½(row 0 − row 1), −row 1; then each row [u, v]:
 *                               Ĝ[4r] = u, Ĝ[4r + 1] = ½(u + v), Ĝ[4r + 2] = ½(u − v), Ĝ[4r + 3] = −v
 * output, M 4×4 → Y = Aᵀ M A:   rows s0 = (M0 + M1) + M2, s1 = (M1 − M2) − M3 of rows M0…M3; then each row r of
 *                               those: Y[2r] = (r0 + r1) + r2, Y[2r + 1] = (r1 − r2) − r3
 * </pre>
 */
interface WinogradTransforms extends WinogradGradientTransform, WinogradTileTransforms {
  /** The vector implementation when this JVM has the Vector API, else the scalar one. */
  static WinogradTransforms forThisJvm() {
    return VectorApi.present() ? new VectorWinogradTransforms() : new ScalarWinogradTransforms();
  }
}
