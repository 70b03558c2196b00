package dev.netforge.runtime.nn;

import dev.netforge.runtime.VectorApi;

/**
 * The input and output transforms of Winograd's F(2×2, 5×5) ({@link WinogradConvolution} on 5×5 filters), each over
 * the {@code nr} tiles of one GEMM column panel. Every implementation evaluates the same sums, differences and
 * multiplications by powers of two (exact) in the same order, so they give the same bits:
 *
 * <pre>
 * input,  d 6×6 → V = Bᵀ d B:   rows of Bᵀ d, from rows d0…d5 (a = d4 − d2, b = d3 − d1):
 *                                 r0 = 4(d0 − d2) + a        r3 = a + 2b
 *                                 r1 = (d3 + d4) − 4(d1 + d2)   r4 = a − 2b
 *                                 r2 = (d4 − d3) + 4(d1 − d2)   r5 = 4(d1 − d3) + (d5 − d3)
 *                               then each row r of those, its columns combined the same way: V[6r] … V[6r + 5]
 * output, M 6×6 → Y = Aᵀ M A:   rows s = (M0 + (M1 + M2)) + (M3 + M4), t = ((M1 − M2) + 2(M3 − M4)) + M5; then each
 *                               row [x0…x5] of those: Y[2r] = (x0 + (x1 + x2)) + (x3 + x4),
 *                               Y[2r + 1] = ((x1 − x2) + 2(x3 − x4)) + x5
 * </pre>
 *
 * Bᵀ and Aᵀ are the Toom–Cook matrices of the points 0, 1, −1, 2, −2 and ∞ (Bᵀ is the one of Lavin's F(4×4, 3×3));
 * {@link WinogradConvolution#transformFilters} holds G.
 */
interface Winograd5x5Transforms extends WinogradTileTransforms {
  /** The vector implementation when this JVM has the Vector API, else the scalar one. */
  static Winograd5x5Transforms forThisJvm() {
    return VectorApi.present() ? new VectorWinograd5x5Transforms() : new ScalarWinograd5x5Transforms();
  }
}
