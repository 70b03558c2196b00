package dev.netforge.runtime.nn;

/**
 * Plane by plane, in loops C2 vectorizes on its own: a window's planes are added two at a time, so a window of five
 * writes its sum three times rather than six. The path without the Vector API, and the vector twin's last pixels.
 */
final class ScalarLrnKernel implements LrnKernel {
  /**
   * {@code d^−β}, with the paper's β = 0.75 as two single-precision square roots (a general pow costs ten times more;
   * {@code (float) Math.sqrt(float)} compiles to one float instruction, which the JIT can vectorize).
   */
  static float power(float d, float beta) {
    if (beta == 0.75f) {
      return 1f / (float) Math.sqrt(d * (float) Math.sqrt(d));
    }
    return (float) Math.pow(d, -beta);
  }

  @Override
  public void forward(LrnShape s, int tower, float[] a, float[] b, float[] scale, int base) {
    for (int c = tower * s.towerChannels(); c < (tower + 1) * s.towerChannels(); c++) {
      forwardPixels(s, c, a, b, scale, base, 0, s.plane());
    }
  }

  @Override
  public void backward(LrnShape s, int tower, float[] a, float[] b, float[] scale, float[] g, float[] work, float[] da, int base) {
    // Each channel's work just before the first window that sums it, while its planes are still in cache.
    int ready = tower * s.towerChannels();
    for (int c = ready; c < (tower + 1) * s.towerChannels(); c++) {
      for (; ready <= s.windowLast(c); ready++) {
        workPixels(s, ready, b, scale, g, work, base, 0, s.plane());
      }
      backwardPixels(s, c, a, scale, g, work, da, base, 0, s.plane());
    }
  }

  /** Channel c's forward over pixels {@code [from, to)} of the example at {@code base}. */
  void forwardPixels(LrnShape s, int c, float[] a, float[] b, float[] scale, int base, int from, int to) {
    int plane = s.plane();
    int out = base + c * plane;
    int lo = base + s.windowFirst(c) * plane;
    int hi = base + s.windowLast(c) * plane;
    if (lo == hi) {
      for (int i = from; i < to; i++) {
        scale[out + i] = a[lo + i] * a[lo + i];
      }
    } else {
      for (int i = from; i < to; i++) {
        scale[out + i] = a[lo + i] * a[lo + i] + a[lo + plane + i] * a[lo + plane + i];
      }
    }
    int j = lo + 2 * plane;
    for (; j + plane <= hi; j += 2 * plane) {
      for (int i = from; i < to; i++) {
        scale[out + i] += a[j + i] * a[j + i] + a[j + plane + i] * a[j + plane + i];
      }
    }
    if (j == hi) {
      for (int i = from; i < to; i++) {
        scale[out + i] += a[j + i] * a[j + i];
      }
    }
    for (int i = out + from; i < out + to; i++) {
      float d = s.k() + s.alpha() * scale[i];
      scale[i] = d;
      b[i] = a[i] * power(d, s.beta());
    }
  }

  /** Channel c's {@code work} over pixels {@code [from, to)}. */
  void workPixels(LrnShape s, int c, float[] b, float[] scale, float[] g, float[] work, int base, int from, int to) {
    int w = c * s.plane();
    for (int i = from; i < to; i++) {
      work[w + i] = g[base + w + i] * b[base + w + i] / scale[base + w + i];
    }
  }

  /** Channel c's input gradient over pixels {@code [from, to)}, from its window's {@code work} over those pixels. */
  void backwardPixels(LrnShape s, int c, float[] a, float[] scale, float[] g, float[] work, float[] da, int base, int from, int to) {
    int plane = s.plane();
    int out = base + c * plane;
    int lo = s.windowFirst(c) * plane;
    int hi = s.windowLast(c) * plane;
    if (lo == hi) {
      System.arraycopy(work, lo + from, da, out + from, to - from);
    } else {
      for (int i = from; i < to; i++) {
        da[out + i] = work[lo + i] + work[lo + plane + i];
      }
    }
    int j = lo + 2 * plane;
    for (; j + plane <= hi; j += 2 * plane) {
      for (int i = from; i < to; i++) {
        da[out + i] += work[j + i] + work[j + plane + i];
      }
    }
    if (j == hi) {
      for (int i = from; i < to; i++) {
        da[out + i] += work[j + i];
      }
    }
    float coefficient = -2f * s.alpha() * s.beta();
    for (int i = out + from; i < out + to; i++) {
      da[i] = g[i] * power(scale[i], s.beta()) + coefficient * a[i] * da[i];
    }
  }
}
