package dev.netforge.runtime.nn;

/**
 * Which of {@link Conv2d}'s algorithms a tower slice takes, for tests outside this package (the random networks) that
 * tally what they covered: the runtime's own decision, so that the tally cannot drift from it.
 */
public final class ConvolutionPaths {
  private ConvolutionPaths() {}

  /**
   * The filter size of the Winograd algorithm that computes {@code outCount} filters of {@code s} ({@link
   * WinogradConvolution#applies}: 3 or 5), or 0 where im2col does.
   */
  public static int winogradKernel(ConvShape s, int outCount) {
    return WinogradConvolution.applies(s, outCount) ? s.kernel() : 0;
  }

  /**
   * Whether the input gradient of {@code outCount} filters of {@code s} is computed as their Winograd forward pass's
   * adjoint ({@link WinogradInputGradient#applies}), where the layer has one.
   */
  public static boolean inputGradientByAdjoint(ConvShape s, int outCount) {
    return WinogradConvolution.applies(s, outCount) && WinogradInputGradient.applies(s, outCount);
  }

  /** Whether {@code outCount} filters of the strided {@code s} run by Winograd's algorithm over its phase planes ({@link PhasePlanes#applies}). */
  public static boolean overPhasePlanes(ConvShape s, int outCount) {
    return PhasePlanes.applies(s, outCount);
  }
}
