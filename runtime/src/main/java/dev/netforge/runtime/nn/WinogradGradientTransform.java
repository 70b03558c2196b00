package dev.netforge.runtime.nn;

/**
 * The two transforms of one of {@link WinogradWeightGradient}'s algorithms F(r×r, m×m), each over the {@code nr} tiles
 * of one GEMM column panel ({@code nr} = {@link dev.netforge.runtime.gemm.Sgemm#panelWidth}): the input's α×α tiles
 * into V ({@link #input}, as the forward pass's F(m×m, r×r) cuts and transforms them), and the output gradient's m×m
 * tiles into α² values Ĝ_ξ. {@link WinogradTransforms} for 3×3 filters (F(3×3, 2×2)), {@link WinogradF4x4Transforms}
 * and {@link WinogradF5x5Transforms} for them on larger planes (F(3×3, 4×4), F(3×3, 5×5)), {@link
 * WinogradF3x3Transforms} for 5×5 ones (F(5×5, 3×3)).
 */
interface WinogradGradientTransform extends WinogradInputTransform {
  /**
   * Ĝ for the panel's tiles: tile j's m×m gradient is {@code tiles[tilesOff + (m·i + k)·stride + j]} (row i, column
   * k), its values in m² rows as the caller lays them out; Ĝ_ξ goes to {@code out[outOff + ξ·matrix + j]}.
   */
  void gradient(float[] tiles, int tilesOff, int stride, float[] out, int outOff, int matrix, float[] work);
}
