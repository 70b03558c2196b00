package dev.netforge.runtime.gemm;

/**
 * What a GEMM does to each output element as it stores the last block of the reduction, so that bias, ReLU and
 * dropout cost no pass of their own: {@code c = mask · relu(c + bias)}, with a bias per row (a convolution over one
 * example writes its filters' output planes as the GEMM's rows). Its loops also serve the convolutions that copy each
 * example's rows out of a GEMM over several examples, and the dense layers' rows of yᵀ.
 *
 * <p>Outside this package there is only {@link #NONE}: {@link Sgemm#gemmPackedRows} re-points an instance of its own
 * per calling thread at each call's bias and mask ({@link #setRows}), so a step allocates none.
 */
public final class Epilogue {
  /** No epilogue. */
  public static final Epilogue NONE = new Epilogue();

  private static final BiasReluMask RUNS = BiasReluMask.forThisJvm();

  /** A bias per output row (one per filter), or {@code null}. */
  private float[] rowBias;
  /** Index of the bias of the GEMM's first row. */
  private int biasOffset;
  private boolean relu;
  /** Inverted-dropout multipliers indexed like the output array, or {@code null}. */
  private float[] mask;

  private Epilogue() {}

  /** An epilogue to re-point with {@link #setRows} (never {@link #NONE}, which is shared). */
  static Epilogue reusable() {
    return new Epilogue();
  }

  /** Row i of the GEMM adds {@code rowBias[biasOffset + i]} ({@code rowBias} and {@code mask} may be {@code null}). */
  void setRows(float[] rowBias, int biasOffset, boolean relu, float[] mask) {
    this.rowBias = rowBias;
    this.biasOffset = biasOffset;
    this.relu = relu;
    this.mask = mask;
  }

  boolean isNone() {
    return rowBias == null && !relu && mask == null;
  }

  /** Applies the epilogue to a rows × cols tile of {@code c} starting at element (row0, col0) of the GEMM. */
  void apply(float[] c, int cOff, int ldc, int row0, int col0, int rows, int cols) {
    for (int r = 0; r < rows; r++) {
      int base = cOff + (row0 + r) * ldc + col0;
      float bias = rowBias != null ? rowBias[biasOffset + row0 + r] : 0f;
      biasReluMask(c, base, bias, relu, mask, base, c, base, cols);
    }
  }

  /**
   * {@code dst[d + i] = mask[m + i] · relu(src[s + i] + bias)} for {@code i < n}, with one bias for the run (a
   * convolution filter's); {@code mask} may be {@code null}. No branch on the data, so a ReLU that zeroes half the
   * values costs no mispredicted branches. {@code src} and {@code dst} may be the same run.
   */
  public static void biasReluMask(float[] src, int s, float bias, boolean relu, float[] mask, int m, float[] dst, int d, int n) {
    RUNS.apply(src, s, bias, relu, mask, m, dst, d, n);
  }
}
