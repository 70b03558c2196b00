package dev.netforge.runtime.nn;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link StridedRead} a vector at a time. Strides 2 and 4 (where they divide the vector's lanes) read whole vectors
 * of the run and move every stride-th lane into place: {@code stride} loads, as many in-register permutes and one
 * blend fewer, the run's last outputs by one more vector ending at its end (the same values written twice). Other
 * strides up to {@value #MAX_STRIDE} take the Vector API's gather with a fixed index map; larger ones, and runs too
 * short for a vector, {@link ScalarStridedRead}.
 *
 * <p>Why not the gather for all: on an AMD Zen 5 (docs/performance.md, session 38) the gathers ran at about half the
 * rate of the permutes once the images came from memory (a stride-4 phase split of 227×227 images, three runs:
 * 145–205 against 85–118 µs an image, the scalar copy 133–180; stride 2: 196–276 against 58–80, scalar 114–199),
 * presumably because gathers give the hardware prefetcher no stream to follow (not measured: the VM has no counters).
 * From L2 the two were alike for stride 4 (91 against 93 µs) and the permutes faster for stride 2 (37 against 64).
 * AlexNet2012's conv1 alone (one tower, two threads, the best of 20 passes): forward 41.2–42.4 → 35.8–36.2 ms,
 * backward 66.9–70.8 → 64.9–65.9 ms. On an Intel Xeon the gather had been faster than the scalar copy
 * (AlexNetTorchvision's conv1: forward 62–68 against 65–72 ms, session 33). Loaded only when {@code
 * jdk.incubator.vector} is present.
 */
final class VectorStridedRead implements StridedRead {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();
  private static final int MAX_STRIDE = 8;

  /** {@code 0, s, 2s, …} for each stride s up to {@link #MAX_STRIDE}: the gathers' index maps. */
  private static final int[][] MAPS = new int[MAX_STRIDE + 1][L];

  // For a stride s that divides L, each of s consecutive vectors holds L / s of the outputs, at lanes 0, s, 2s, …: one
  // permute copies them into every group of L / s lanes, and the j-th vector's group j is taken in the blend.
  private static final VectorShuffle<Float> HALVES = picks(2);
  private static final VectorMask<Float>[] HALF_GROUPS = groups(2);
  private static final VectorShuffle<Float> QUARTERS = picks(4);
  private static final VectorMask<Float>[] QUARTER_GROUPS = groups(4);

  private final StridedRead scalar = new ScalarStridedRead();

  static {
    for (int stride = 1; stride <= MAX_STRIDE; stride++) {
      for (int i = 0; i < L; i++) {
        MAPS[stride][i] = stride * i;
      }
    }
  }

  /** Lane i takes lane {@code stride · (i mod L / stride)}: every stride-th lane, repeated in each group. */
  private static VectorShuffle<Float> picks(int stride) {
    int[] from = new int[L];
    for (int i = 0; i < L; i++) {
      from[i] = stride * (i % (L / stride));
    }
    return VectorShuffle.fromArray(S, from, 0);
  }

  /** Mask j selects lanes {@code [j · L / stride, (j + 1) · L / stride)}. */
  @SuppressWarnings("unchecked")
  private static VectorMask<Float>[] groups(int stride) {
    VectorMask<Float>[] masks = new VectorMask[stride];
    int share = L / stride;
    for (int j = 0; j < stride; j++) {
      boolean[] bits = new boolean[L];
      for (int i = 0; i < L; i++) {
        bits[i] = i / share == j;
      }
      masks[j] = VectorMask.fromArray(S, bits, 0);
    }
    return masks;
  }

  @Override
  public void copy(float[] from, int at, int stride, float[] to, int toAt, int count) {
    // Outputs whose whole group of `stride` floats lies inside `from`: a vector of them reads no float past its end.
    int inside = Math.min(count, (from.length - at) / stride);
    if ((stride == 2 || stride == 4) && L % stride == 0 && inside >= L) {
      int q = 0;
      for (; q + L <= inside; q += L) {
        permuted(from, at + stride * q, stride, to, toAt + q);
      }
      if (q < inside) {
        permuted(from, at + stride * (inside - L), stride, to, toAt + inside - L);
      }
      scalar.copy(from, at + stride * inside, stride, to, toAt + inside, count - inside);
      return;
    }
    int q = 0;
    if (stride <= MAX_STRIDE) {
      int[] map = MAPS[stride];
      for (; q + L <= count; q += L) {
        FloatVector.fromArray(S, from, at + stride * q, map, 0).intoArray(to, toAt + q);
      }
    }
    scalar.copy(from, at + stride * q, stride, to, toAt + q, count - q);
  }

  /** L outputs, {@code to[toAt + q] = from[at + stride · q]}, from {@code stride} whole vectors of {@code from}. */
  private static void permuted(float[] from, int at, int stride, float[] to, int toAt) {
    // Written out per stride: C2 (JDK 17) boxes a vector carried around a loop.
    if (stride == 2) {
      FloatVector first = FloatVector.fromArray(S, from, at).rearrange(HALVES);
      FloatVector second = FloatVector.fromArray(S, from, at + L).rearrange(HALVES);
      first.blend(second, HALF_GROUPS[1]).intoArray(to, toAt);
    } else {
      FloatVector first = FloatVector.fromArray(S, from, at).rearrange(QUARTERS);
      FloatVector second = FloatVector.fromArray(S, from, at + L).rearrange(QUARTERS);
      FloatVector third = FloatVector.fromArray(S, from, at + 2 * L).rearrange(QUARTERS);
      FloatVector fourth = FloatVector.fromArray(S, from, at + 3 * L).rearrange(QUARTERS);
      first.blend(second, QUARTER_GROUPS[1]).blend(third, QUARTER_GROUPS[2]).blend(fourth, QUARTER_GROUPS[3]).intoArray(to, toAt);
    }
  }
}
