package dev.netforge.runtime.gemm;

/** {@link BiasReluMask} one float at a time, for JVMs without the Vector API and for the runs' tails. */
final class ScalarBiasReluMask implements BiasReluMask {
  @Override
  public void apply(float[] src, int s, float bias, boolean relu, float[] mask, int m, float[] dst, int d, int n) {
    for (int i = 0; i < n; i++) {
      float v = src[s + i] + bias;
      if (relu) {
        v = Math.max(v, 0f);
      }
      dst[d + i] = mask == null ? v : v * mask[m + i];
    }
  }
}
