package dev.netforge.runtime.nn;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Max pooling in whole vectors at the windows' own columns, rows first: a vector holds {@code L} consecutive outputs
 * of one row, and the two passes compute only what they keep:
 *
 * <ol>
 *   <li>along each input row a window's rows touch: {@code rowMax[y][ox] = max over kx of in[y][ox·stride + kx]};
 *   <li>down each output row's window rows: {@code out[oy][ox] = max over ky of rowMax[oy·stride + ky][ox]}.
 * </ol>
 *
 * At stride 2 a vector of every other input comes from two loads and two lane permutations ({@link #PICK_2}). Each
 * pass keeps the first strict maximum, or the last NaN (compare, then blend value and index), rows after columns,
 * which is the window's row-major first maximum or last NaN. Nothing branches on the data: the scalar loop's branch
 * is a coin toss on pooled ReLU output.
 *
 * <p>Indices travel as floats beside the values, so that one mask blends both, offset by 2²³: the float {@code 2²³ + i}
 * has the bits {@code 0x4B000000 + i} for every {@code i < 2²³}, so the arg-maxima come back as integers by a
 * reinterpretation and one subtraction (JDK 17 does not compile a 16-lane float-to-int conversion into vector
 * instructions).
 *
 * <p>The scalar loop takes strides above 2, planes with fewer windows than lanes, planes of 2²³ pixels or more, and a
 * plane whose last loads would pass the end of {@code x} (its rows' last vectors read past their row, which no window
 * uses). Measured against the earlier design, which maxed every stride-1 position of the flat plane and picked the
 * strided ones one by one (docs/performance.md, session 26). Loaded only when {@code jdk.incubator.vector} is
 * present.
 */
final class VectorMaxPoolPlane implements MaxPoolPlane {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();
  private static final int HALF = L / 2;
  /** The upper half of the lanes. */
  private static final VectorMask<Float> UPPER = S.indexInRange(-HALF, HALF);
  /** Lane i of a half takes input 2i of the L floats loaded for that half. */
  private static final VectorShuffle<Float> PICK_2 = VectorShuffle.fromArray(S, evenPicks(), 0);
  private static final FloatVector COLUMN_1 = FloatVector.fromArray(S, columns(1), 0);
  private static final FloatVector COLUMN_2 = FloatVector.fromArray(S, columns(2), 0);
  /** Planes below 2²³ pixels: every index below that, plus {@link #INDEX_BIAS}, is an exact float. */
  private static final int EXACT_INDICES = 1 << 23;
  private static final float INDEX_BIAS = 1 << 23;
  private static final int INDEX_BIAS_BITS = Float.floatToRawIntBits(INDEX_BIAS);
  private static final ThreadLocal<Workspace> WORKSPACE = ThreadLocal.withInitial(Workspace::new);

  private final MaxPoolPlane narrow = new ScalarMaxPoolPlane();

  /** Each worker's row maxima of one plane and their indices, and a vector's outputs where it passes the plane's end. */
  private static final class Workspace {
    float[] rowMax = new float[0];
    float[] rowArg = new float[0];
    final float[] tailMax = new float[L];
    final int[] tailArg = new int[L];
  }

  private static int[] evenPicks() {
    int[] picks = new int[L];
    for (int i = 0; i < L; i++) {
      picks[i] = 2 * i % L;
    }
    return picks;
  }

  /** Lane i's input column relative to the vector's first: {@code i · stride}. */
  private static float[] columns(int stride) {
    float[] columns = new float[L];
    for (int i = 0; i < L; i++) {
      columns[i] = i * stride;
    }
    return columns;
  }

  @Override
  public void pool(PoolShape s, float[] x, int in, float[] y, int[] argmax, int out) {
    int k = s.kernel();
    int stride = s.stride();
    int width = s.inWidth();
    int outWidth = s.outWidth();
    int rows = (s.outHeight() - 1) * stride + k;
    int lastVector = (outWidth - 1) / L * L;
    long lastRead = in + (long) (rows - 1) * width + (long) lastVector * stride + (k - 1) + (long) L * stride;
    if (stride > 2 || s.outPlane() < L || lastRead > x.length || s.inPlane() >= EXACT_INDICES) {
      narrow.pool(s, x, in, y, argmax, out);
      return;
    }
    Workspace ws = WORKSPACE.get();
    // A row's last vector writes past its outWidth maxima into the next row's, which that row then writes.
    int size = rows * outWidth + L;
    if (ws.rowMax.length < size) {
      ws.rowMax = new float[size];
      ws.rowArg = new float[size];
    }
    FloatVector column = stride == 2 ? COLUMN_2 : COLUMN_1;
    for (int row = 0; row < rows; row++) {
      for (int ox = 0; ox < outWidth; ox += L) {
        int first = row * width + ox * stride;
        FloatVector max = strided(x, in + first, stride);
        FloatVector arg = column.add(INDEX_BIAS + first);
        for (int kx = 1; kx < k; kx++) {
          FloatVector v = strided(x, in + first + kx, stride);
          VectorMask<Float> wins = wins(v, max);
          max = max.blend(v, wins);
          arg = arg.blend(column.add(INDEX_BIAS + (first + kx)), wins);
        }
        max.intoArray(ws.rowMax, row * outWidth + ox);
        arg.intoArray(ws.rowArg, row * outWidth + ox);
      }
    }
    int outPlane = s.outPlane();
    for (int oy = 0; oy < s.outHeight(); oy++) {
      for (int ox = 0; ox < outWidth; ox += L) {
        int top = oy * stride * outWidth + ox;
        FloatVector max = FloatVector.fromArray(S, ws.rowMax, top);
        FloatVector arg = FloatVector.fromArray(S, ws.rowArg, top);
        for (int ky = 1; ky < k; ky++) {
          int below = top + ky * outWidth;
          FloatVector v = FloatVector.fromArray(S, ws.rowMax, below);
          VectorMask<Float> wins = wins(v, max);
          max = max.blend(v, wins);
          arg = arg.blend(FloatVector.fromArray(S, ws.rowArg, below), wins);
        }
        IntVector index = arg.reinterpretAsInts().sub(INDEX_BIAS_BITS - in);
        // Lanes past the row land on the next output row, which writes them again; past the plane they must not.
        int o = oy * outWidth + ox;
        if (o + L <= outPlane) {
          max.intoArray(y, out + o);
          index.intoArray(argmax, out + o);
        } else {
          max.intoArray(ws.tailMax, 0);
          index.intoArray(ws.tailArg, 0);
          System.arraycopy(ws.tailMax, 0, y, out + o, outPlane - o);
          System.arraycopy(ws.tailArg, 0, argmax, out + o, outPlane - o);
        }
      }
    }
  }

  /**
   * {@code x[at + i · stride]} in lane i: at stride 2 the lower half's from the L floats at {@code at}, the upper
   * half's from the L after them.
   */
  private static FloatVector strided(float[] x, int at, int stride) {
    FloatVector lower = FloatVector.fromArray(S, x, at);
    return stride == 1 ? lower : lower.rearrange(PICK_2).blend(FloatVector.fromArray(S, x, at + L).rearrange(PICK_2), UPPER);
  }

  /** The lanes where {@code v} replaces the running maximum: greater, or NaN. */
  private static VectorMask<Float> wins(FloatVector v, FloatVector max) {
    return v.compare(VectorOperators.GT, max).or(v.compare(VectorOperators.NE, v));
  }
}
