package dev.netforge.runtime.nn;

/** {@link StridedRead} one float at a time, for JVMs without the Vector API. */
final class ScalarStridedRead implements StridedRead {
  @Override
  public void copy(float[] from, int at, int stride, float[] to, int toAt, int count) {
    for (int q = 0; q < count; q++) {
      to[toAt + q] = from[at + stride * q];
    }
  }
}
