package dev.netforge.runtime.nn;

import dev.netforge.runtime.VectorApi;

/**
 * The window sums of local response normalization: {@code dst[c] = Σ_{j ∈ N(c)} src[j]} for every channel c of a
 * tower and every pixel of one example, N(c) the {@code size} channels centred on c, clamped to the tower. Every
 * implementation adds a window's planes in the same order, {@code ((src[lo] + src[lo+1]) + (src[lo+2] + src[lo+3]))
 * + …}, so they give the same bits.
 */
interface ChannelWindowSum {
  /** The vector implementation when this JVM has the Vector API, else the scalar one. */
  static ChannelWindowSum forThisJvm() {
    return VectorApi.present() ? new VectorChannelWindowSum() : new ScalarChannelWindowSum();
  }

  /**
   * Over the tower's channels of one example, whose planes start at {@code srcBase} in {@code src} and at
   * {@code dstBase} in {@code dst}.
   */
  void sum(LrnShape s, int tower, float[] src, int srcBase, float[] dst, int dstBase);
}
