package dev.netforge.runtime.nn;

/**
 * Plane by plane, in loops C2 vectorizes on its own: a window's planes are added two at a time, so a window of five
 * writes its sum three times rather than six. The path without the Vector API, and the vector twin's last pixels.
 */
final class ScalarLrnKernel implements LrnKernel {
  /**
   * {@code e^β} of {@code e = 1/d}, with the paper's β = 0.75 as two single-precision square roots (a general pow costs
   * ten times more; {@code (float) Math.sqrt(float)} compiles to one float instruction, which the JIT can vectorize).
   */
  static float power(float e, float beta) {
    if (beta == 0.75f) {
      return (float) Math.sqrt(e * (float) Math.sqrt(e));
    }
    return (float) Math.pow(e, beta);
  }

  @Override
  public void forward(LrnShape s, int tower, float[] a, float[] b, float[] inverse, int base) {
    for (int c = tower * s.towerChannels(); c < (tower + 1) * s.towerChannels(); c++) {
      forwardPixels(s, c, a, b, inverse, base, 0, s.plane());
    }
  }

  @Override
  public void backward(
      LrnShape s, int tower, float[] a, float[] inverse, float[] g, float[] work, float[] powers, float[] da, int base, boolean relu) {
    // Each channel's work just before the first window that sums it, while its planes are still in cache.
    int ready = tower * s.towerChannels();
    for (int c = ready; c < (tower + 1) * s.towerChannels(); c++) {
      for (; ready <= s.windowLast(c); ready++) {
        workPixels(s, ready, a, inverse, g, work, powers, base, 0, s.plane());
      }
      backwardPixels(s, c, a, g, work, powers, da, base, 0, s.plane(), relu);
    }
  }

  /**
   * Channel c's forward over pixels {@code [from, to)} of the example at {@code base}: {@code inverse} holds the
   * window's sums, then 1/d.
   */
  void forwardPixels(LrnShape s, int c, float[] a, float[] b, float[] inverse, int base, int from, int to) {
    int plane = s.plane();
    int out = base + c * plane;
    int lo = base + s.windowFirst(c) * plane;
    int hi = base + s.windowLast(c) * plane;
    if (lo == hi) {
      for (int i = from; i < to; i++) {
        inverse[out + i] = a[lo + i] * a[lo + i];
      }
    } else {
      for (int i = from; i < to; i++) {
        inverse[out + i] = a[lo + i] * a[lo + i] + a[lo + plane + i] * a[lo + plane + i];
      }
    }
    int j = lo + 2 * plane;
    for (; j + plane <= hi; j += 2 * plane) {
      for (int i = from; i < to; i++) {
        inverse[out + i] += a[j + i] * a[j + i] + a[j + plane + i] * a[j + plane + i];
      }
    }
    if (j == hi) {
      for (int i = from; i < to; i++) {
        inverse[out + i] += a[j + i] * a[j + i];
      }
    }
    for (int i = out + from; i < out + to; i++) {
      float e = 1f / (s.k() + s.alpha() * inverse[i]);
      inverse[i] = e;
      b[i] = a[i] * power(e, s.beta());
    }
  }

  /** Channel c's {@code work} and {@code powers} over pixels {@code [from, to)}: b's bits are {@code a · powers}. */
  void workPixels(LrnShape s, int c, float[] a, float[] inverse, float[] g, float[] work, float[] powers, int base, int from, int to) {
    int w = c * s.plane();
    for (int i = from; i < to; i++) {
      float p = power(inverse[base + w + i], s.beta());
      powers[w + i] = p;
      work[w + i] = g[base + w + i] * (a[base + w + i] * p) * inverse[base + w + i];
    }
  }

  /**
   * Channel c's input gradient over pixels {@code [from, to)}, from its window's {@code work} over those pixels; with
   * {@code relu}, 0 where {@code a} is not above 0 ({@link LrnKernel#backward}).
   */
  void backwardPixels(LrnShape s, int c, float[] a, float[] g, float[] work, float[] powers, float[] da, int base, int from, int to, boolean relu) {
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
    int w = c * plane - out;
    for (int i = out + from; i < out + to; i++) {
      float v = g[i] * powers[w + i] + coefficient * a[i] * da[i];
      da[i] = relu && !(a[i] > 0f) ? 0f : v;
    }
  }
}
