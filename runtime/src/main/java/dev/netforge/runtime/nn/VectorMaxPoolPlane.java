package dev.netforge.runtime.nn;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Max pooling in whole vectors, as two separable passes over every window position (stride 1), of which the strided
 * outputs are then picked:
 *
 * <ol>
 *   <li>along each input row: {@code rowMax[y][x] = max over kx of in[y][x + kx]};
 *   <li>down each output row's window rows: {@code max over ky of rowMax[oy·stride + ky][x]}, kept at {@code x =
 *       ox·stride}.
 * </ol>
 *
 * Each pass keeps the first strict maximum, or the last NaN (compare, then blend value and index), rows after
 * columns, which is the window's row-major first maximum or last NaN. Indices travel as floats beside the values so
 * one mask blends both, which holds for planes up to 2²⁴ pixels, where floats are exact (larger ones take the scalar
 * loop). The scalar loop branched on every comparison, and on pooled ReLU output that branch is a coin toss; here
 * nothing branches on the data. Loaded only when {@code jdk.incubator.vector} is present.
 */
final class VectorMaxPoolPlane implements MaxPoolPlane {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();
  private static final FloatVector LANE = FloatVector.fromArray(S, lanes(), 0);
  /** Planes up to 2²⁴ pixels: every index below that is an exact float. */
  private static final int EXACT_INDICES = 1 << 24;
  private static final ThreadLocal<Workspace> WORKSPACE = ThreadLocal.withInitial(Workspace::new);

  private final MaxPoolPlane narrow = new ScalarMaxPoolPlane();

  /** Each worker's row maxima of one plane, its window maxima, and their indices. */
  private static final class Workspace {
    float[] rowMax = new float[0];
    float[] rowArg = new float[0];
    float[] windowMax = new float[0];
    float[] windowArg = new float[0];
  }

  private static float[] lanes() {
    float[] lanes = new float[L];
    for (int i = 0; i < L; i++) {
      lanes[i] = i;
    }
    return lanes;
  }

  @Override
  public void pool(PoolShape s, float[] x, int in, float[] y, int[] argmax, int out) {
    int k = s.kernel();
    int width = s.inWidth();
    int plane = s.inPlane();
    // The plane is taken as one flat row: the row maxima of a row's last k - 1 positions mix in the next row's first
    // floats and the window maxima below the last window rows read past them, but no window uses either, so both
    // passes run over whole vectors regardless of the plane's width (13x13 and 6x6 planes are narrower than a
    // 512-bit vector of positions per row).
    int rowPositions = plane - (k - 1);
    int windowPositions = rowPositions - (k - 1) * width;
    int span = (s.outWidth() - 1) * s.stride() + 1;
    boolean windowsInside = (s.outHeight() - 1) * s.stride() + k <= s.inHeight() && span + k - 1 <= width;
    // Fewer windows than lanes (6x6 planes pooled to 3x3): the scalar loop's nine windows cost less than the passes.
    if (s.outPlane() < L || windowPositions < L || !windowsInside || plane > EXACT_INDICES) {
      narrow.pool(s, x, in, y, argmax, out);
      return;
    }
    Workspace ws = WORKSPACE.get();
    if (ws.rowMax.length < plane) {
      ws.rowMax = new float[plane];
      ws.rowArg = new float[plane];
      ws.windowMax = new float[plane];
      ws.windowArg = new float[plane];
    }
    // The last vector of each pass starts at its end minus L, overlapping the one before it.
    for (int start = 0; start < rowPositions; start += L) {
      int col = Math.min(start, rowPositions - L);
      FloatVector max = FloatVector.fromArray(S, x, in + col);
      FloatVector arg = LANE.add(col);
      for (int kx = 1; kx < k; kx++) {
        FloatVector v = FloatVector.fromArray(S, x, in + col + kx);
        VectorMask<Float> wins = wins(v, max);
        max = max.blend(v, wins);
        arg = arg.blend(LANE.add(col + kx), wins);
      }
      max.intoArray(ws.rowMax, col);
      arg.intoArray(ws.rowArg, col);
    }
    for (int oy = 0; oy < s.outHeight(); oy++) {
      int top = oy * s.stride() * width;
      for (int start = 0; start < span; start += L) {
        int col = Math.min(top + start, windowPositions - L);
        FloatVector max = FloatVector.fromArray(S, ws.rowMax, col);
        FloatVector arg = FloatVector.fromArray(S, ws.rowArg, col);
        for (int ky = 1; ky < k; ky++) {
          int below = col + ky * width;
          FloatVector v = FloatVector.fromArray(S, ws.rowMax, below);
          VectorMask<Float> wins = wins(v, max);
          max = max.blend(v, wins);
          arg = arg.blend(FloatVector.fromArray(S, ws.rowArg, below), wins);
        }
        max.intoArray(ws.windowMax, col);
        arg.intoArray(ws.windowArg, col);
      }
      for (int ox = 0, at = top; ox < s.outWidth(); ox++, out++, at += s.stride()) {
        y[out] = ws.windowMax[at];
        argmax[out] = in + (int) ws.windowArg[at];
      }
    }
  }

  /** The lanes where {@code v} replaces the running maximum: greater, or NaN. */
  private static VectorMask<Float> wins(FloatVector v, FloatVector max) {
    return v.compare(VectorOperators.GT, max).or(v.compare(VectorOperators.NE, v));
  }
}
