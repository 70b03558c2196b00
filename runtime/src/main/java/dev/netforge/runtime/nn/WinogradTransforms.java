package dev.netforge.runtime.nn;

import dev.netforge.runtime.VectorApi;

/**
 * The transforms of Winograd's F(3×3, 2×2) ({@link WinogradWeightGradient}: the input, as F(2×2, 3×3) takes it, and the
 * output gradient), each over the {@code nr} tiles of one GEMM column panel ({@code nr} = {@link
 * dev.netforge.runtime.gemm.Sgemm#panelWidth}). Every implementation evaluates the same sums and differences in the
 * same order, so they give the same bits:
 *
 * <pre>
 * input,  d 4×4 → V = Bᵀ d B:   rows a = d0 − d2, b = d1 + d2, c = d2 − d1, e = d1 − d3; then each row r of those:
 *                               V[4r] = r0 − r2, V[4r + 1] = r1 + r2, V[4r + 2] = r2 − r1, V[4r + 3] = r1 − r3
 * gradient, g 2×2 → Ĝ = G g Gᵀ: rows [g00, g01], ½(row 0 + row 1), ½(row 0 − row 1), −row 1; then each row [u, v]:
 *                               Ĝ[4r] = u, Ĝ[4r + 1] = ½(u + v), Ĝ[4r + 2] = ½(u − v), Ĝ[4r + 3] = −v
 * </pre>
 */
interface WinogradTransforms extends WinogradGradientTransform {
  /** The vector implementation when this JVM has the Vector API, else the scalar one. */
  static WinogradTransforms forThisJvm() {
    return VectorApi.present() ? new VectorWinogradTransforms() : new ScalarWinogradTransforms();
  }
}
