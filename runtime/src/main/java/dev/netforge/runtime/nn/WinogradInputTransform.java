package dev.netforge.runtime.nn;

/**
 * The input transform of one of Winograd's algorithms, over the {@code nr} tiles of one GEMM column panel ({@code nr} =
 * {@link dev.netforge.runtime.gemm.Sgemm#panelWidth}): an α×α input tile into α² values V_ξ. {@link
 * WinogradConvolution#transformInput} runs it for the forward pass's algorithms ({@link WinogradTileTransforms}) and
 * for the weight gradient's ({@link WinogradGradientTransform}).
 */
interface WinogradInputTransform {
  /**
   * V for the panel's tiles: tile j's α×α input is {@code planes[tileAt[tileAtOff + j] + i·width + k]} (i, k &lt; α);
   * V_ξ goes to {@code out[outOff + ξ·matrix + j]}.
   */
  void input(float[] planes, int[] tileAt, int tileAtOff, int width, float[] out, int outOff, int matrix, float[] work);

  /**
   * Floats of the {@code work} array each transform takes: room between its two halves, passed in by the caller
   * because fetching a per-thread buffer on every panel was 3.5% of AlexNet2012's training step.
   */
  int workSize();
}
