package dev.netforge.runtime.gemm;

/**
 * What a GEMM does to each output element as it stores the last block of the reduction, so that bias, ReLU and
 * dropout cost no pass of their own: {@code c = mask · relu(c + bias)}. Its loops also serve the convolutions, which
 * apply the same to each example's rows as they copy them out of a GEMM over several examples.
 *
 * <p>Outside this package there is only {@link #NONE}: {@link Sgemm#parallel} re-points an instance of its own per
 * calling thread at each call's bias and mask ({@link #set}), so a dense layer's step allocates none.
 */
public final class Epilogue {
  /** No epilogue. */
  public static final Epilogue NONE = new Epilogue(null, 0, false, null);

  /** A bias per output column (dense layers: one per unit), or {@code null}. */
  private float[] colBias;
  /** A bias per output row (a convolution written straight into its output: one per filter), or {@code null}. */
  private float[] rowBias;
  /** Index of the bias of the GEMM's first column (or row). */
  private int biasOffset;
  private boolean relu;
  /** Inverted-dropout multipliers indexed like the output array, or {@code null}. */
  private float[] mask;

  private Epilogue(float[] colBias, int biasOffset, boolean relu, float[] mask) {
    set(colBias, biasOffset, relu, mask);
  }

  /** An epilogue to re-point with {@link #set} (never {@link #NONE}, which is shared). */
  static Epilogue reusable() {
    return new Epilogue(null, 0, false, null);
  }

  void set(float[] colBias, int biasOffset, boolean relu, float[] mask) {
    this.colBias = colBias;
    this.rowBias = null;
    this.biasOffset = biasOffset;
    this.relu = relu;
    this.mask = mask;
  }

  /** Like {@link #set}, with a bias per row instead: row i of the GEMM adds {@code rowBias[biasOffset + i]}. */
  void setRows(float[] rowBias, int biasOffset, boolean relu, float[] mask) {
    set(null, biasOffset, relu, mask);
    this.rowBias = rowBias;
  }

  boolean isNone() {
    return colBias == null && rowBias == null && !relu && mask == null;
  }

  /**
   * Applies the epilogue to a rows × cols tile of {@code c} starting at element (row0, col0) of the GEMM, whose first
   * column is column {@code firstColumn} of the bias's numbering (a column block of a larger product).
   */
  void apply(float[] c, int cOff, int ldc, int firstColumn, int row0, int col0, int rows, int cols) {
    for (int r = 0; r < rows; r++) {
      int base = cOff + (row0 + r) * ldc + col0;
      if (colBias != null) {
        biasReluMask(c, base, colBias, biasOffset + firstColumn + col0, relu, mask, base, c, base, cols);
      } else {
        float bias = rowBias != null ? rowBias[biasOffset + row0 + r] : 0f;
        biasReluMask(c, base, bias, relu, mask, base, c, base, cols);
      }
    }
  }

  /**
   * {@code dst[d + i] = mask[m + i] · relu(src[s + i] + bias)} for {@code i < n}, with one bias for the run (a
   * convolution filter's); {@code mask} may be {@code null}. Branch-free loops, so C2 vectorizes them and a ReLU
   * that zeroes half the values costs no mispredicted branches. {@code src} and {@code dst} may be the same run.
   */
  public static void biasReluMask(float[] src, int s, float bias, boolean relu, float[] mask, int m, float[] dst, int d, int n) {
    if (relu) {
      for (int i = 0; i < n; i++) {
        dst[d + i] = Math.max(src[s + i] + bias, 0f);
      }
    } else {
      for (int i = 0; i < n; i++) {
        dst[d + i] = src[s + i] + bias;
      }
    }
    if (mask != null) {
      for (int i = 0; i < n; i++) {
        dst[d + i] *= mask[m + i];
      }
    }
  }

  /** The same with a bias per element ({@code bias[b + i]}: a dense layer's units along the run). */
  private static void biasReluMask(float[] src, int s, float[] bias, int b, boolean relu, float[] mask, int m, float[] dst, int d, int n) {
    if (relu) {
      for (int i = 0; i < n; i++) {
        dst[d + i] = Math.max(src[s + i] + bias[b + i], 0f);
      }
    } else {
      for (int i = 0; i < n; i++) {
        dst[d + i] = src[s + i] + bias[b + i];
      }
    }
    if (mask != null) {
      for (int i = 0; i < n; i++) {
        dst[d + i] *= mask[m + i];
      }
    }
  }
}
