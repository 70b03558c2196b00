package dev.netforge.runtime.gemm;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * What the Vector API micro-kernels share besides their register tiles: copying runs into packed panels, adding runs,
 * gathering a panel's row, on the JVM's preferred vector width. {@link VectorMicroKernel} (6 rows) and {@link
 * WideVectorMicroKernel} (8 rows, 512-bit vectors only) add the tiles. Loaded only when {@code jdk.incubator.vector}
 * is present.
 */
abstract class VectorPanelKernel implements MicroKernel {
  static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  static final int L = S.length();
  /** Two vectors: the width of a packed B panel. */
  static final int NR = 2 * L;
  private static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, S.vectorShape());
  /** L all-ones lanes, then L zero lanes: from {@code L − n}, a mask of the first n lanes ({@link #addRun}). */
  private static final int[] TAIL = new int[2 * L];

  static {
    java.util.Arrays.fill(TAIL, 0, L, -1);
  }

  /**
   * The micro-kernel for this JVM's vector width: 8 rows on 512-bit vectors, where AVX-512's 32 registers hold its
   * sixteen accumulators, else 6.
   */
  static MicroKernel forThisWidth() {
    return L >= 16 ? new WideVectorMicroKernel() : new VectorMicroKernel();
  }

  @Override
  public int nr() {
    return NR;
  }

  @Override
  public void copyRun(float[] src, int srcOff, float[] dst, int dstOff, int length) {
    for (int i = 0; i < length; i += L) {
      FloatVector.fromArray(S, src, srcOff + i).intoArray(dst, dstOff + i);
    }
  }

  @Override
  public void copyRunKeeping(float[] src, int srcOff, float[] dst, int dstOff, int length, int[] keep, int keepOff) {
    for (int i = 0; i < length; i += L) {
      FloatVector.fromArray(S, src, srcOff + i)
          .reinterpretAsInts()
          .and(IntVector.fromArray(I, keep, keepOff + i))
          .reinterpretAsFloats()
          .intoArray(dst, dstOff + i);
    }
  }

  @Override
  public void addRun(float[] src, int srcOff, float[] dst, int dstOff, int length) {
    int i = 0;
    for (; i + L <= length; i += L) {
      FloatVector.fromArray(S, dst, dstOff + i).add(FloatVector.fromArray(S, src, srcOff + i)).intoArray(dst, dstOff + i);
    }
    if (i < length) {
      // The tail's lanes past the run add +0.0 (the bits of src cleared, not multiplied by 0, so an infinity there
      // cannot turn dst into NaN): those dst floats are stored back unchanged.
      FloatVector tail = FloatVector.fromArray(S, src, srcOff + i).reinterpretAsInts().and(IntVector.fromArray(I, TAIL, L - (length - i))).reinterpretAsFloats();
      FloatVector.fromArray(S, dst, dstOff + i).add(tail).intoArray(dst, dstOff + i);
    }
  }

  @Override
  public void gatherPanel(float[] src, int srcOff, int[] lanes, float[] dst, int dstOff) {
    FloatVector.fromArray(S, src, srcOff, lanes, 0).intoArray(dst, dstOff);
    FloatVector.fromArray(S, src, srcOff, lanes, L).intoArray(dst, dstOff + L);
  }

  @Override
  public int copySlack() {
    return L - 1;
  }

  @Override
  public String describe() {
    return "Vector API " + mr() + "x" + NR + " (" + S.vectorBitSize() + "-bit)";
  }
}
