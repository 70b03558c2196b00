package dev.netforge.runtime.nn;

/**
 * The input and output transforms of one of {@link WinogradConvolution}'s algorithms F(2×2, r×r), each over the {@code
 * nr} tiles of one GEMM column panel ({@code nr} = {@link dev.netforge.runtime.gemm.Sgemm#panelWidth}): an α×α input
 * tile (α = r + 1) into α² values V_ξ, and α² products M_ξ into a 2×2 output tile. {@link WinogradTransforms} for r = 3,
 * {@link Winograd5x5Transforms} for r = 5.
 */
interface WinogradTileTransforms {
  /**
   * V for the panel's tiles: tile j's α×α input is {@code planes[tileAt[tileAtOff + j] + i·width + k]} (i, k &lt; α);
   * V_ξ goes to {@code out[outOff + ξ·matrix + j]}.
   */
  void input(float[] planes, int[] tileAt, int tileAtOff, int width, float[] out, int outOff, int matrix, float[] work);

  /**
   * Y for the panel's tiles: tile j's M_ξ is {@code products[productsOff + ξ·matrix + j]}; its output (row i, column
   * k) goes to {@code out[outOff + (2i + k)·ld + j]}.
   */
  void output(float[] products, int productsOff, int matrix, float[] out, int outOff, int ld, float[] work);

  /**
   * Floats of the {@code work} array each transform takes: room between its two halves, passed in by the caller
   * because fetching a per-thread buffer on every panel was 3.5% of AlexNet2012's training step.
   */
  int workSize();
}
