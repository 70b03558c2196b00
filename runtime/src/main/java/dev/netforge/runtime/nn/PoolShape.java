package dev.netforge.runtime.nn;

/** The compile-time geometry of one pooling, for one example; only average pooling pads. */
public record PoolShape(int channels, int inHeight, int inWidth, int outHeight, int outWidth, int kernel, int stride, int padding) {
  /** A pooling without padding (max pooling). */
  public PoolShape(int channels, int inHeight, int inWidth, int outHeight, int outWidth, int kernel, int stride) {
    this(channels, inHeight, inWidth, outHeight, outWidth, kernel, stride, 0);
  }

  public int inPlane() {
    return inHeight * inWidth;
  }

  public int outPlane() {
    return outHeight * outWidth;
  }
}
