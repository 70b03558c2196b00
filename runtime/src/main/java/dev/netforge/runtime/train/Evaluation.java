package dev.netforge.runtime.train;

import dev.netforge.runtime.CompiledNetwork;
import dev.netforge.runtime.CpuEngine;
import dev.netforge.runtime.Engine;
import dev.netforge.runtime.data.TrainingData;
import dev.netforge.runtime.nn.SoftmaxCrossEntropy;
import java.io.IOException;

/**
 * Loss, top-1 and top-5 accuracy and the confusion matrix of a network on a labelled set (dropout off). Where the
 * data gives several views of each example (10-crop testing), their softmax outputs are averaged first.
 *
 * @param confusion {@code confusion[truth][predicted]} counts
 * @param count examples evaluated (undecodable files are not)
 */
public record Evaluation(double loss, double top1, double top5, long[][] confusion, int count) {
  public static Evaluation of(CompiledNetwork net, TrainingData data, int batchSize) throws IOException {
    return of(new CpuEngine(net), data, batchSize);
  }

  /**
   * Evaluates {@code data} in forward passes of at most {@code batchSize} images, views included: with 10-crop testing
   * each pass takes a tenth as many examples (at least one), so evaluating after training at the same batch size
   * needs no larger buffers than training planned.
   */
  public static Evaluation of(Engine engine, TrainingData data, int batchSize) throws IOException {
    CompiledNetwork net = engine.network();
    int classes = net.outputSize();
    int views = data.views();
    int examples = Math.max(1, batchSize / views);
    float[] x = new float[examples * views * net.inputSize()];
    int[] labels = new int[examples];
    double[] probabilities = new double[classes];
    long[][] confusion = new long[classes][classes];
    double lossSum = 0;
    long top1 = 0;
    long top5 = 0;
    int count = 0;
    int steps = (data.count() + examples - 1) / examples;
    try (TrainingData.Epoch batches = data.epoch(null, examples, null)) {
      for (int step = 0; step < steps; step++) {
        int n = batches.next(x, labels);
        if (n == 0) {
          continue;  // every file of this batch was undecodable
        }
        float[] logits = engine.forward(x, n * views, false);
        if (views == 1) {
          // In the log domain, so that a confidently wrong prediction gives a large loss rather than log(0).
          lossSum += SoftmaxCrossEntropy.lossAndGradient(logits, labels, n, classes, null) * n;
        }
        for (int i = 0; i < n; i++) {
          averageSoftmax(logits, i * views, views, classes, probabilities);
          int truth = labels[i];
          double mine = probabilities[truth];
          int rank = 0;
          int best = 0;
          for (int c = 0; c < classes; c++) {
            double p = probabilities[c];
            if (p > mine || (p == mine && c < truth)) {
              rank++;
            }
            if (p > probabilities[best]) {
              best = c;
            }
          }
          if (views > 1) {
            lossSum -= Math.log(Math.max(mine, Double.MIN_VALUE));
          }
          top1 += rank == 0 ? 1 : 0;
          top5 += rank < 5 ? 1 : 0;
          confusion[truth][best]++;
        }
        count += n;
      }
    }
    return new Evaluation(lossSum / count, (double) top1 / count, (double) top5 / count, confusion, count);
  }

  /** The mean over {@code views} consecutive rows of logits of their softmax, in double. */
  public static void averageSoftmax(float[] logits, int firstRow, int views, int classes, double[] into) {
    java.util.Arrays.fill(into, 0);
    for (int v = 0; v < views; v++) {
      int row = (firstRow + v) * classes;
      double logSum = SoftmaxCrossEntropy.logSumExp(logits, row, classes);
      for (int c = 0; c < classes; c++) {
        into[c] += Math.exp(logits[row + c] - logSum) / views;
      }
    }
  }
}
