package dev.netforge.runtime.gemm;

import dev.netforge.runtime.VectorApi;

/**
 * {@link Epilogue}'s arithmetic on a run of floats: {@code dst[d + i] = mask[m + i] · relu(src[s + i] + bias)}, in
 * that order, with ReLU as {@code Math.max(v, 0)} (so a NaN stays NaN for the trainer to see). The implementations
 * give the same bits.
 */
interface BiasReluMask {
  /** The vector implementation when this JVM has the Vector API, else the scalar one. */
  static BiasReluMask forThisJvm() {
    return VectorApi.present() ? new VectorBiasReluMask() : new ScalarBiasReluMask();
  }

  /** Over {@code i < n}; {@code mask} may be {@code null}, and {@code src} and {@code dst} the same run. */
  void apply(float[] src, int s, float bias, boolean relu, float[] mask, int m, float[] dst, int d, int n);
}
