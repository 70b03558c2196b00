package dev.netforge.runtime.nn;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link StridedRead} a vector at a time, by the Vector API's gather with a fixed index map per stride (the strides up
 * to {@value #MAX_STRIDE}; larger ones, and the floats past the last whole vector, by {@link ScalarStridedRead}).
 * AlexNetTorchvision's conv1 alone, stride 4: forward 62–68 ms against 65–72 one float at a time, weight gradient 85–88
 * against 92–93; inside training steps 65–70 + 94–95 ms against 71–93 + 97–99 (three alternating runs each,
 * docs/performance.md, session 33). Loaded only when {@code jdk.incubator.vector} is present.
 */
final class VectorStridedRead implements StridedRead {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();
  private static final int MAX_STRIDE = 8;

  /** {@code 0, s, 2s, …} for each stride s up to {@link #MAX_STRIDE}: the gathers' index maps. */
  private static final int[][] MAPS = new int[MAX_STRIDE + 1][L];

  private final StridedRead scalar = new ScalarStridedRead();

  static {
    for (int stride = 1; stride <= MAX_STRIDE; stride++) {
      for (int i = 0; i < L; i++) {
        MAPS[stride][i] = stride * i;
      }
    }
  }

  @Override
  public void copy(float[] from, int at, int stride, float[] to, int toAt, int count) {
    int q = 0;
    if (stride <= MAX_STRIDE) {
      int[] map = MAPS[stride];
      for (; q + L <= count; q += L) {
        FloatVector.fromArray(S, from, at + stride * q, map, 0).intoArray(to, toAt + q);
      }
    }
    scalar.copy(from, at + stride * q, stride, to, toAt + q, count - q);
  }
}
