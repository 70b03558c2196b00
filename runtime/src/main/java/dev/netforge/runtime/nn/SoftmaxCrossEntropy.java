package dev.netforge.runtime.nn;

/**
 * Softmax cross-entropy, mean over the batch, with its gradient fused into the same pass:
 * {@code loss = −(1/N) Σ_n log softmax(z_n)[y_n]},  {@code ∂loss/∂z = (softmax(z) − onehot(y)) / N}.
 */
public final class SoftmaxCrossEntropy {
  private SoftmaxCrossEntropy() {}

  /**
   * @param grad receives ∂loss/∂logits, or {@code null} to compute the loss only
   * @return the mean loss
   */
  public static double lossAndGradient(float[] logits, int[] labels, int batch, int classes, float[] grad) {
    if (labels.length < batch) {
      throw new IllegalArgumentException(labels.length + " labels for a batch of " + batch + " examples");
    }
    double total = 0;
    for (int n = 0; n < batch; n++) {
      int label = labels[n];
      if (label < 0 || label >= classes) {
        throw new IllegalArgumentException("label " + label + " of example " + n + " is outside [0, " + classes + ")");
      }
      int row = n * classes;
      double logSum = logSumExp(logits, row, classes);
      total += logSum - logits[row + label];
      if (grad != null) {
        for (int c = 0; c < classes; c++) {
          double p = Math.exp(logits[row + c] - logSum);
          grad[row + c] = (float) ((p - (c == label ? 1 : 0)) / batch);
        }
      }
    }
    return total / batch;
  }

  /** {@code log Σ_c exp(z_c)} of the row of logits at {@code row}, computed from the largest so nothing overflows. */
  public static double logSumExp(float[] logits, int row, int classes) {
    float max = Float.NEGATIVE_INFINITY;
    for (int c = 0; c < classes; c++) {
      max = Math.max(max, logits[row + c]);
    }
    double sum = 0;
    for (int c = 0; c < classes; c++) {
      sum += Math.exp(logits[row + c] - max);
    }
    return Math.log(sum) + max;
  }
}
