package dev.netforge.runtime.train;

import dev.netforge.runtime.CompiledNetwork;
import dev.netforge.runtime.CpuEngine;
import dev.netforge.runtime.Engine;
import dev.netforge.runtime.data.TrainingData;
import dev.netforge.runtime.distributed.Communicator;
import dev.netforge.runtime.distributed.SingleProcess;
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
    return of(engine, data, batchSize, new SingleProcess());
  }

  /**
   * As {@link #of(Engine, TrainingData, int)}, sharded: each of the {@code processes} evaluates its contiguous share of
   * the set, and the counts and loss sums are summed over them, so every process gets the whole set's evaluation.
   */
  public static Evaluation of(Engine engine, TrainingData data, int batchSize, Communicator processes) throws IOException {
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
    long count = 0;
    int[] share = null;
    if (processes.size() > 1) {
      int from = (int) ((long) data.count() * processes.rank() / processes.size());
      int to = (int) ((long) data.count() * (processes.rank() + 1) / processes.size());
      share = java.util.stream.IntStream.range(from, to).toArray();
    }
    int steps = ((share == null ? data.count() : share.length) + examples - 1) / examples;
    try (TrainingData.Epoch batches = data.epoch(share, examples, null)) {
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
          // Outputs that are not numbers (weights that diverged, or a NaN input: the softmax is then NaN throughout) are
          // never right: compared as numbers, nothing ranks above the truth's NaN, and they scored 100%.
          boolean scored = !Double.isNaN(mine);
          top1 += scored && rank == 0 ? 1 : 0;
          top5 += scored && rank < 5 ? 1 : 0;
          confusion[truth][best]++;
        }
        count += n;
      }
    }
    double[] losses = {lossSum};
    processes.sum(losses, 0, 1);
    long[] counts = new long[3 + classes * classes];
    counts[0] = top1;
    counts[1] = top5;
    counts[2] = count;
    for (int truth = 0; truth < classes; truth++) {
      System.arraycopy(confusion[truth], 0, counts, 3 + truth * classes, classes);
    }
    processes.sum(counts, 0, counts.length);
    for (int truth = 0; truth < classes; truth++) {
      System.arraycopy(counts, 3 + truth * classes, confusion[truth], 0, classes);
    }
    long n = counts[2];
    return new Evaluation(losses[0] / n, (double) counts[0] / n, (double) counts[1] / n, confusion, Math.toIntExact(n));
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
