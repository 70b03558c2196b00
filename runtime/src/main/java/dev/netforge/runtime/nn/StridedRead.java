package dev.netforge.runtime.nn;

import dev.netforge.runtime.VectorApi;

/**
 * Every {@code stride}-th float of a run, {@code to[toAt + q] = from[at + stride · q]} for {@code q < count}: the
 * gather of one phase plane's row from its input row ({@link PhasePlanes#copyRows}). The implementations give the same
 * bits (they copy).
 */
interface StridedRead {
  /** The vector implementation when this JVM has the Vector API, else the scalar one. */
  static StridedRead forThisJvm() {
    return VectorApi.present() ? new VectorStridedRead() : new ScalarStridedRead();
  }

  void copy(float[] from, int at, int stride, float[] to, int toAt, int count);
}
