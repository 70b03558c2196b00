package dev.netforge.runtime.nn;

/**
 * Plane by plane, in loops C2 vectorizes on its own: the window's planes are added two at a time, so a window of five
 * writes {@code dst} three times rather than six. The path without the Vector API.
 */
final class ScalarChannelWindowSum implements ChannelWindowSum {
  @Override
  public void sum(LrnShape s, int tower, float[] src, float[] dst, int base) {
    int half = s.size() / 2;
    int plane = s.plane();
    int towerFirst = tower * s.towerChannels();
    int towerLast = towerFirst + s.towerChannels() - 1;
    for (int c = towerFirst; c <= towerLast; c++) {
      int lo = Math.max(c - half, towerFirst);
      int hi = Math.min(c + half, towerLast);
      int out = base + c * plane;
      int first = base + lo * plane;
      if (lo == hi) {
        System.arraycopy(src, first, dst, out, plane);
        continue;
      }
      for (int i = 0; i < plane; i++) {
        dst[out + i] = src[first + i] + src[first + plane + i];
      }
      int j = lo + 2;
      for (; j + 1 <= hi; j += 2) {
        int in = base + j * plane;
        for (int i = 0; i < plane; i++) {
          dst[out + i] += src[in + i] + src[in + plane + i];
        }
      }
      if (j == hi) {
        int in = base + j * plane;
        for (int i = 0; i < plane; i++) {
          dst[out + i] += src[in + i];
        }
      }
    }
  }
}
