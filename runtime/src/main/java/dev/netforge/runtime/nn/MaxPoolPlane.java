package dev.netforge.runtime.nn;

import dev.netforge.runtime.VectorApi;

/**
 * Max pooling of one plane: each window's maximum and where it came from. Of equal values the first in the window's
 * row-major order wins, and a window holding a NaN pools to its last NaN (as PyTorch's CPU kernel does), so a
 * diverging activation shows, and every implementation, the CUDA kernel's included, routes the gradient to the same
 * input.
 */
interface MaxPoolPlane {
  /** The vector implementation when this JVM has the Vector API, else the scalar one. */
  static MaxPoolPlane forThisJvm() {
    return VectorApi.present() ? new VectorMaxPoolPlane() : new ScalarMaxPoolPlane();
  }

  /**
   * @param in where the plane starts in {@code x}
   * @param out where its pooled plane starts in {@code y} and {@code argmax}
   * @param argmax receives each maximum's index in {@code x}
   */
  void pool(PoolShape s, float[] x, int in, float[] y, int[] argmax, int out);
}
