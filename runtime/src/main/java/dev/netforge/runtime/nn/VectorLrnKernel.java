package dev.netforge.runtime.nn;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * A vector of pixels at a time through the whole formula: the window's squares (or, backward, its {@code work})
 * summed in a register and 1/d, its power and the output computed from it, so each output is written once. Before, the
 * forward pass wrote the squares, their window sums and the outputs in three passes over the tower and the backward
 * pass its work, window sums and gradients in three. Pixels past the last whole vector take one more vector that ends
 * at the plane's end ({@link #vectors}); in planes of fewer pixels than a vector, or where an output overwrites an
 * input, they go to the scalar loops, which compute in the same order. A β other than 0.75 takes the scalar path (its
 * {@code Math.pow} has no vector twin with the same bits). Loaded only when {@code jdk.incubator.vector} is present.
 */
final class VectorLrnKernel implements LrnKernel {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();
  private static final FloatVector ONE = FloatVector.broadcast(S, 1f);
  private static final FloatVector ZERO = FloatVector.zero(S);

  private final ScalarLrnKernel scalar = new ScalarLrnKernel();

  @Override
  public void forward(LrnShape s, int tower, float[] a, float[] b, float[] inverse, int base) {
    if (s.beta() != 0.75f) {
      scalar.forward(s, tower, a, b, inverse, base);
      return;
    }
    int plane = s.plane();
    for (int c = tower * s.towerChannels(); c < (tower + 1) * s.towerChannels(); c++) {
      int out = base + c * plane;
      int lo = base + s.windowFirst(c) * plane;
      int hi = base + s.windowLast(c) * plane;
      int vectors = vectors(plane, b == a || inverse == a);
      for (int v = 0; v < vectors; v++) {
        int i = start(v, plane);
        FloatVector e = ONE.div(windowSum(a, lo, hi, plane, i, true).mul(s.alpha()).add(s.k()));
        e.intoArray(inverse, out + i);
        FloatVector.fromArray(S, a, out + i).mul(power(e)).intoArray(b, out + i);
      }
      scalar.forwardPixels(s, c, a, b, inverse, base, scalarFrom(vectors, plane), plane);
    }
  }

  @Override
  public void backward(
      LrnShape s, int tower, float[] a, float[] inverse, float[] g, float[] work, float[] powers, float[] da, int base, boolean relu) {
    if (s.beta() != 0.75f) {
      scalar.backward(s, tower, a, inverse, g, work, powers, da, base, relu);
      return;
    }
    int plane = s.plane();
    float coefficient = -2f * s.alpha() * s.beta();
    // Lanes where ∂a is kept whatever a is: all without the ReLU, none with it (then only where a > 0). One mask for
    // both, rather than a branch between two vectors, which C2 (JDK 17) may box.
    VectorMask<Float> keepAll = S.maskAll(!relu);
    // Each channel's work just before the first window that sums it, while its planes are still in cache.
    int ready = tower * s.towerChannels();
    for (int c = ready; c < (tower + 1) * s.towerChannels(); c++) {
      for (; ready <= s.windowLast(c); ready++) {
        int w = ready * plane;
        int vectors = vectors(plane, false);
        for (int v = 0; v < vectors; v++) {
          int i = start(v, plane);
          FloatVector e = FloatVector.fromArray(S, inverse, base + w + i);
          FloatVector p = power(e);
          p.intoArray(powers, w + i);
          FloatVector.fromArray(S, g, base + w + i)
              .mul(FloatVector.fromArray(S, a, base + w + i).mul(p))
              .mul(e)
              .intoArray(work, w + i);
        }
        scalar.workPixels(s, ready, a, inverse, g, work, powers, base, scalarFrom(vectors, plane), plane);
      }
      int out = base + c * plane;
      int lo = s.windowFirst(c) * plane;
      int hi = s.windowLast(c) * plane;
      int vectors = vectors(plane, da == g || da == a);
      for (int v = 0; v < vectors; v++) {
        int i = start(v, plane);
        FloatVector sum = windowSum(work, lo, hi, plane, i, false);
        FloatVector av = FloatVector.fromArray(S, a, out + i);
        FloatVector gradient = FloatVector.fromArray(S, g, out + i)
            .mul(FloatVector.fromArray(S, powers, c * plane + i))
            .add(av.mul(coefficient).mul(sum));
        ZERO.blend(gradient, av.compare(VectorOperators.GT, 0f).or(keepAll)).intoArray(da, out + i);
      }
      scalar.backwardPixels(s, c, a, g, work, powers, da, base, scalarFrom(vectors, plane), plane, relu);
    }
  }

  /**
   * Vectors over a plane's pixels: its whole ones and, where the plane has a vector's pixels and the outputs do not
   * overwrite the inputs ({@code inPlace} false), one more that ends at the plane's end and computes again the pixels
   * it shares with the one before, to the same bits: the scalar loop took MiniAlexNet's 13×13 planes' last 9 pixels
   * (LRN after conv2) at several times a vector's cost per pixel.
   */
  private static int vectors(int plane, boolean inPlace) {
    return plane >= L && !inPlace ? (plane + L - 1) / L : plane / L;
  }

  /** The first pixel of vector {@code v} of {@link #vectors}: the last one ends at the plane's end. */
  private static int start(int v, int plane) {
    return Math.min(v * L, plane - L);
  }

  /** The first pixel the scalar loop takes after {@code vectors} of {@link #vectors}: the plane's end if they cover it. */
  private static int scalarFrom(int vectors, int plane) {
    return Math.min(plane, vectors * L);
  }

  /**
   * The sum over the planes {@code lo, lo + plane, …, hi} of {@code v} (squared first where {@code squares}) at pixels
   * {@code [i, i + L)}, in {@link LrnKernel}'s order.
   */
  private static FloatVector windowSum(float[] v, int lo, int hi, int plane, int i, boolean squares) {
    FloatVector sum = term(v, lo + i, squares);
    int j = lo + plane;
    if (j <= hi) {
      sum = sum.add(term(v, j + i, squares));
      j += plane;
    }
    for (; j + plane <= hi; j += 2 * plane) {
      sum = sum.add(term(v, j + i, squares).add(term(v, j + plane + i, squares)));
    }
    if (j == hi) {
      sum = sum.add(term(v, j + i, squares));
    }
    return sum;
  }

  private static FloatVector term(float[] v, int at, boolean square) {
    FloatVector x = FloatVector.fromArray(S, v, at);
    return square ? x.mul(x) : x;
  }

  /** {@link ScalarLrnKernel#power} at β = 0.75: {@code √(e·√e)}, each operation rounded as the scalar one is. */
  private static FloatVector power(FloatVector e) {
    return e.mul(e.lanewise(VectorOperators.SQRT)).lanewise(VectorOperators.SQRT);
  }
}
