package dev.netforge.runtime.gemm;

/**
 * What a GEMM does to each output element as it stores the last block of the reduction, so that bias, ReLU and
 * dropout cost no pass of their own: {@code c = mask · relu(c + bias)}.
 *
 * @param rowBias a bias per output row (convolutions: one per filter), or {@code null}
 * @param colBias a bias per output column (dense layers: one per unit), or {@code null}
 * @param biasOffset index of the bias of the first row (or column) of this GEMM
 * @param relu whether to clamp at zero
 * @param mask inverted-dropout multipliers indexed like the output array, or {@code null}
 */
public record Epilogue(float[] rowBias, float[] colBias, int biasOffset, boolean relu, float[] mask) {
  /** No epilogue. */
  public static final Epilogue NONE = new Epilogue(null, null, 0, false, null);

  public static Epilogue rowBias(float[] bias, int offset, boolean relu, float[] mask) {
    return new Epilogue(bias, null, offset, relu, mask);
  }

  public static Epilogue colBias(float[] bias, int offset, boolean relu, float[] mask) {
    return new Epilogue(null, bias, offset, relu, mask);
  }

  boolean isNone() {
    return rowBias == null && colBias == null && !relu && mask == null;
  }

  /** Applies the epilogue to a rows × cols tile of {@code c} starting at element (row0, col0) of the GEMM. */
  void apply(float[] c, int cOff, int ldc, int row0, int col0, int rows, int cols) {
    for (int r = 0; r < rows; r++) {
      int base = cOff + (row0 + r) * ldc + col0;
      float rb = rowBias != null ? rowBias[biasOffset + row0 + r] : 0f;
      for (int j = 0; j < cols; j++) {
        float v = c[base + j] + rb;
        if (colBias != null) {
          v += colBias[biasOffset + col0 + j];
        }
        if (relu && v < 0f) {
          v = 0f;
        }
        if (mask != null) {
          v *= mask[base + j];
        }
        c[base + j] = v;
      }
    }
  }
}
