package dev.netforge.runtime.train;

import dev.netforge.runtime.CompiledNetwork;
import dev.netforge.runtime.CpuEngine;
import dev.netforge.runtime.Engine;
import dev.netforge.runtime.Rng;
import dev.netforge.runtime.data.TrainingData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Mini-batch SGD over epochs: shuffle, forward, fused loss and backward, update; then evaluate, step the schedule
 * and write a checkpoint. All randomness (initialization, shuffling, flips, dropout) comes from generators seeded
 * by {@link Config#seed()} and saved in checkpoints, so the same seed gives the same losses on the same machine and
 * thread count, and a resumed run continues exactly.
 */
public final class Trainer {
  /**
   * @param epochs total epochs (a resumed run continues up to this)
   * @param flip random horizontal flips of training images
   * @param checkpoint where the checkpoint goes, rewritten after each epoch
   * @param metadata extra checkpoint metadata (the data normalization, say)
   */
  public record Config(int epochs, int batch, double learningRate, double momentum, double weightDecay, String schedule, long seed,
      boolean flip, Path checkpoint, Map<String, String> metadata) {}

  private final Config config;

  public Trainer(Config config) {
    this.config = config;
  }

  /**
   * Trains {@code net} (initialized here unless resuming).
   *
   * @param resume a checkpoint to continue from, or {@code null}
   * @return every epoch's result, resumed ones excluded
   */
  public List<EpochResult> train(CompiledNetwork net, TrainingData train, TrainingData test, Path resume, TrainingListener listener) throws IOException {
    return train(new CpuEngine(net), train, test, resume, listener);
  }

  /**
   * Trains {@code engine}'s network on that engine (initialized here unless resuming). Parameters and momentum come
   * back to the host for each checkpoint.
   *
   * @param resume a checkpoint to continue from, or {@code null}
   * @return every epoch's result, resumed ones excluded
   */
  public List<EpochResult> train(Engine engine, TrainingData train, TrainingData test, Path resume, TrainingListener listener) throws IOException {
    CompiledNetwork net = engine.network();
    Sgd sgd = new Sgd(net.parameters(), config.momentum(), config.weightDecay());
    int count = train.count();
    int batch = config.batch();
    int stepsPerEpoch = (count + batch - 1) / batch;
    LearningRateSchedule schedule = LearningRateSchedule.parse(config.schedule(), config.learningRate(), config.epochs(), stepsPerEpoch);
    Rng data = new Rng(config.seed() ^ 0x5DEECE66DL);
    int startEpoch = 1;
    long step = 0;
    if (resume != null) {
      ResumePoint resumed = Checkpoint.resume(resume, net, sgd, schedule, data);
      startEpoch = resumed.epoch() + 1;
      step = resumed.step();
    } else {
      net.initialize(config.seed());
    }
    engine.fromHost(sgd);
    float[] x = new float[batch * net.inputSize()];
    int[] labels = new int[batch];
    int[] order = new int[count];
    List<EpochResult> results = new ArrayList<>();
    for (int epoch = startEpoch; epoch <= config.epochs(); epoch++) {
      for (int i = 0; i < count; i++) {
        order[i] = i;
      }
      data.shuffle(order);
      double lr = schedule.rate(step);
      double lossSum = 0;
      long correct = 0;
      long start = System.nanoTime();
      long seen = 0;
      try (TrainingData.Epoch batches = train.epoch(order, batch, config.flip() ? data : null)) {
        for (int s = 0; s < stepsPerEpoch; s++) {
          int n = batches.next(x, labels);
          listener.dataWait(batches.waitSeconds());
          if (n == 0) {
            continue;  // every file of this batch was undecodable
          }
          double rate = schedule.rate(step);
          int[] batchLabels = n == batch ? labels : java.util.Arrays.copyOf(labels, n);
          float[] logits = engine.forward(x, n, true);
          correct += correct(logits, batchLabels, n, net.outputSize());
          double loss = engine.backward(batchLabels, null);
          step++;
          if (!Double.isFinite(loss)) {
            throw new TrainingDiverged("loss is " + loss + " at epoch " + epoch + ", step " + (s + 1) + " of " + stepsPerEpoch + " (step " + step
                + " overall); stopped without writing a checkpoint"
                + (Files.exists(config.checkpoint()) ? ", so " + config.checkpoint() + " still holds the last good state" : "")
                + ". Lower the learning rate (now " + rate + ").");
          }
          engine.update(sgd, rate);
          lossSum += loss * n;
          seen += n;
          double seconds = (System.nanoTime() - start) / 1e9;
          listener.step(epoch, s + 1, stepsPerEpoch, loss, (double) correct / seen, seen / seconds);
        }
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      // At the training batch, so that evaluation (10-crop testing included) fits in the buffers training planned.
      Evaluation eval = Evaluation.of(engine, test, batch);
      EpochResult result = new EpochResult(epoch, lossSum / seen, (double) correct / seen, eval, lr, seconds, seen / seconds);
      schedule.endOfEpoch(epoch, 1 - eval.top1());
      Map<String, String> meta = new LinkedHashMap<>();
      meta.put("epoch", Integer.toString(epoch));
      meta.put("step", Long.toString(step));
      meta.put("learning_rate", Double.toString(schedule.rate(step)));
      meta.put("schedule", schedule.spec());
      meta.put("schedule.state", schedule.state());
      meta.put("rng.data", Long.toString(data.state()));
      meta.put("dropout.seed", Long.toString(net.dropoutSeed()));
      meta.put("dropout.steps", Long.toString(net.trainingSteps()));
      meta.put("seed", Long.toString(config.seed()));
      meta.put("batch", Integer.toString(batch));
      meta.put("momentum", Double.toString(config.momentum()));
      meta.put("weight_decay", Double.toString(config.weightDecay()));
      meta.put("test.top1", Double.toString(eval.top1()));
      meta.putAll(config.metadata());
      engine.toHost(sgd);
      Checkpoint.write(config.checkpoint(), net, sgd, meta);
      results.add(result);
      listener.epoch(result);
    }
    return results;
  }

  private static int correct(float[] logits, int[] labels, int n, int classes) {
    int c = 0;
    for (int i = 0; i < n; i++) {
      int best = 0;
      for (int k = 1; k < classes; k++) {
        if (logits[i * classes + k] > logits[i * classes + best]) {
          best = k;
        }
      }
      c += best == labels[i] ? 1 : 0;
    }
    return c;
  }
}
