package dev.netforge.runtime.nn;

/**
 * Plane by plane, in loops C2 vectorizes on its own: the window's planes are added two at a time, so a window of five
 * writes {@code dst} three times rather than six. The path without the Vector API, and the vector twin's last pixels.
 */
final class ScalarChannelWindowSum implements ChannelWindowSum {
  @Override
  public void sum(LrnShape s, int tower, float[] src, int srcBase, float[] dst, int dstBase) {
    for (int c = tower * s.towerChannels(); c < (tower + 1) * s.towerChannels(); c++) {
      sumPixels(s, c, src, srcBase, dst, dstBase, 0, s.plane());
    }
  }

  /** Channel c's window sums over pixels {@code [from, to)} of one example ({@link #sum}'s bases). */
  void sumPixels(LrnShape s, int c, float[] src, int srcBase, float[] dst, int dstBase, int from, int to) {
    int plane = s.plane();
    int lo = s.windowFirst(c);
    int hi = s.windowLast(c);
    int out = dstBase + c * plane;
    int first = srcBase + lo * plane;
    if (lo == hi) {
      System.arraycopy(src, first + from, dst, out + from, to - from);
      return;
    }
    for (int i = from; i < to; i++) {
      dst[out + i] = src[first + i] + src[first + plane + i];
    }
    int j = lo + 2;
    for (; j + 1 <= hi; j += 2) {
      int in = srcBase + j * plane;
      for (int i = from; i < to; i++) {
        dst[out + i] += src[in + i] + src[in + plane + i];
      }
    }
    if (j == hi) {
      int in = srcBase + j * plane;
      for (int i = from; i < to; i++) {
        dst[out + i] += src[in + i];
      }
    }
  }
}
