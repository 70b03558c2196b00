package dev.netforge.runtime.nn;

/**
 * The compile-time geometry of one convolution, for one example.
 *
 * @param inChannels all input channels
 * @param inHeight input height
 * @param inWidth input width
 * @param outChannels all output channels (filters)
 * @param outHeight output height
 * @param outWidth output width
 * @param kernel square kernel size
 * @param stride stride
 * @param padding zero padding on every side
 * @param groupInputs input channels one filter sees ({@code inChannels / groups})
 */
public record ConvShape(
    int inChannels,
    int inHeight,
    int inWidth,
    int outChannels,
    int outHeight,
    int outWidth,
    int kernel,
    int stride,
    int padding,
    int groupInputs) {
  public int inPlane() {
    return inHeight * inWidth;
  }

  public int outPlane() {
    return outHeight * outWidth;
  }

  /** Rows of the im2col matrix: the length of one filter. */
  public int patch() {
    return groupInputs * kernel * kernel;
  }
}
