package dev.netforge.runtime.nn;

/** The compile-time geometry of one max pooling, for one example. */
public record PoolShape(int channels, int inHeight, int inWidth, int outHeight, int outWidth, int kernel, int stride) {
  public int inPlane() {
    return inHeight * inWidth;
  }

  public int outPlane() {
    return outHeight * outWidth;
  }
}
