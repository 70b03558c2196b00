package dev.netforge.runtime.train;

import dev.netforge.runtime.CompiledNetwork;
import dev.netforge.runtime.CpuEngine;
import dev.netforge.runtime.Engine;
import dev.netforge.runtime.nn.SoftmaxCrossEntropy;
import dev.netforge.runtime.data.Batcher;
import dev.netforge.runtime.data.ImageSet;

/**
 * Loss, top-1 and top-5 accuracy and the confusion matrix of a network on a labelled set (dropout off).
 *
 * @param confusion {@code confusion[truth][predicted]} counts
 */
public record Evaluation(double loss, double top1, double top5, long[][] confusion, int count) {
  public static Evaluation of(CompiledNetwork net, Batcher data, int batchSize) {
    return of(new CpuEngine(net), data, batchSize);
  }

  public static Evaluation of(Engine engine, Batcher data, int batchSize) {
    CompiledNetwork net = engine.network();
    ImageSet set = data.set();
    int classes = net.outputSize();
    float[] x = new float[batchSize * net.inputSize()];
    int[] labels = new int[batchSize];
    long[][] confusion = new long[classes][classes];
    double lossSum = 0;
    long top1 = 0;
    long top5 = 0;
    for (int from = 0; from < set.count(); from += batchSize) {
      int n = Math.min(batchSize, set.count() - from);
      data.fill(null, from, n, x, labels, null);
      float[] logits = engine.forward(x, n, false);
      lossSum += SoftmaxCrossEntropy.lossAndGradient(logits, labels, n, classes, null) * n;
      for (int i = 0; i < n; i++) {
        int truth = labels[i];
        int rank = 0;
        int best = 0;
        float mine = logits[i * classes + truth];
        for (int c = 0; c < classes; c++) {
          float v = logits[i * classes + c];
          if (v > mine || (v == mine && c < truth)) {
            rank++;
          }
          if (v > logits[i * classes + best]) {
            best = c;
          }
        }
        top1 += rank == 0 ? 1 : 0;
        top5 += rank < 5 ? 1 : 0;
        confusion[truth][best]++;
      }
    }
    int count = set.count();
    return new Evaluation(lossSum / count, (double) top1 / count, (double) top5 / count, confusion, count);
  }
}
