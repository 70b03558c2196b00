package dev.netforge.runtime.nn;

/**
 * The input and output transforms of one of {@link WinogradConvolution}'s algorithms F(m×m, r×r), each over the {@code
 * nr} tiles of one GEMM column panel: an α×α input tile (α = m + r − 1) into α² values V_ξ, and α² products M_ξ into an
 * m×m output tile. {@link WinogradF4x4Transforms} for F(4×4, 3×3), {@link Winograd5x5Transforms} for F(2×2, 5×5),
 * {@link WinogradF3x3Transforms} for F(3×3, 5×5), {@link WinogradF5x5Transforms} for F(5×5, 3×3), {@link
 * WinogradF3x3For3x3Transforms} for F(3×3, 3×3).
 */
interface WinogradTileTransforms extends WinogradInputTransform {
  /**
   * Y for the panel's tiles: tile j's M_ξ is {@code products[productsOff + ξ·matrix + j]}; its output (row i, column
   * k) goes to {@code out[outOff + (m·i + k)·ld + j]}.
   */
  void output(float[] products, int productsOff, int matrix, float[] out, int outOff, int ld, float[] work);
}
