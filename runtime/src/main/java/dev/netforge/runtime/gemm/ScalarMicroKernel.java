package dev.netforge.runtime.gemm;

/** The portable micro-kernel, used when the Vector API module is not added to the JVM. */
final class ScalarMicroKernel implements MicroKernel {
  private static final int MR = 4;
  private static final int NR = 8;

  @Override
  public int mr() {
    return MR;
  }

  @Override
  public int nr() {
    return NR;
  }

  @Override
  public void compute(int kc, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int ldc, boolean add) {
    float[] acc = new float[MR * NR];
    for (int p = 0; p < kc; p++) {
      int ap = aOff + p * MR;
      int bp = bOff + p * NR;
      for (int r = 0; r < MR; r++) {
        float av = a[ap + r];
        for (int j = 0; j < NR; j++) {
          acc[r * NR + j] += av * b[bp + j];
        }
      }
    }
    store(acc, c, cOff, ldc, add);
  }

  /** True, so that the tests' GEMMs run its {@link #computeRows} too. */
  @Override
  public boolean readsRowsInPlace() {
    return true;
  }

  @Override
  public void computeRows(
      int kc, int q0, int segment, int segmentStride, int step, float[] a, int[] rows, float[] b, int bOff, float[] c, int cOff, int ldc, boolean add) {
    float[] acc = new float[MR * NR];
    for (int p = 0; p < kc; p++) {
      int q = q0 + p;
      int at = q / segment * segmentStride + q % segment * step;
      int bp = bOff + p * NR;
      for (int r = 0; r < MR; r++) {
        float av = a[rows[r] + at];
        for (int j = 0; j < NR; j++) {
          acc[r * NR + j] += av * b[bp + j];
        }
      }
    }
    store(acc, c, cOff, ldc, add);
  }

  private static void store(float[] acc, float[] c, int cOff, int ldc, boolean add) {
    for (int r = 0; r < MR; r++) {
      for (int j = 0; j < NR; j++) {
        int ci = cOff + r * ldc + j;
        c[ci] = add ? c[ci] + acc[r * NR + j] : acc[r * NR + j];
      }
    }
  }

  @Override
  public void copyRun(float[] src, int srcOff, float[] dst, int dstOff, int length) {
    System.arraycopy(src, srcOff, dst, dstOff, length);
  }

  @Override
  public void copyRunKeeping(float[] src, int srcOff, float[] dst, int dstOff, int length, int[] keep, int keepOff) {
    for (int i = 0; i < length; i++) {
      dst[dstOff + i] = keep[keepOff + i] != 0 ? src[srcOff + i] : 0f;
    }
  }

  @Override
  public void addRun(float[] src, int srcOff, float[] dst, int dstOff, int length) {
    for (int i = 0; i < length; i++) {
      dst[dstOff + i] += src[srcOff + i];
    }
  }

  @Override
  public void gatherPanel(float[] src, int srcOff, int[] lanes, float[] dst, int dstOff) {
    for (int j = 0; j < NR; j++) {
      dst[dstOff + j] = src[srcOff + lanes[j]];
    }
  }

  @Override
  public int copySlack() {
    return 0;
  }

  @Override
  public String describe() {
    return "scalar " + MR + "x" + NR;
  }
}
