package dev.netforge.runtime.train;

import dev.netforge.runtime.CompiledNetwork;
import dev.netforge.runtime.CpuEngine;
import dev.netforge.runtime.Engine;
import dev.netforge.runtime.Parameter;
import dev.netforge.runtime.data.EpochRandom;
import dev.netforge.runtime.data.TrainingData;
import dev.netforge.runtime.distributed.BatchShare;
import dev.netforge.runtime.distributed.Communicator;
import dev.netforge.runtime.distributed.Gradients;
import dev.netforge.runtime.distributed.OverlappedGradientSum;
import dev.netforge.runtime.distributed.SingleProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Mini-batch SGD over epochs: shuffle, forward, fused loss and backward, update; then evaluate, step the schedule
 * and write a checkpoint. All randomness comes from {@link Config#seed()}: initialization from a generator, and
 * shuffling, augmentation ({@link EpochRandom}) and dropout masks as functions of (seed, epoch or step, example), whose
 * seeds checkpoints keep. So the same seed gives the same losses on the same machine and thread count, and a resumed
 * run continues exactly.
 */
public final class Trainer {
  /**
   * @param epochs total epochs (a resumed run continues up to this)
   * @param flip random horizontal flips of training images
   * @param checkpoint where the checkpoint goes, rewritten after each epoch
   * @param metadata extra checkpoint metadata (the data normalization, say)
   */
  public record Config(int epochs, int batch, double learningRate, double momentum, double weightDecay, String schedule, long seed,
      boolean flip, Path checkpoint, Map<String, String> metadata) {
    /** Refuses settings no run can use, naming the setting, before any work. */
    public Config {
      if (epochs < 1) {
        throw new IllegalArgumentException("epochs " + epochs + ": a run trains at least 1 epoch");
      }
      if (batch < 1) {
        throw new IllegalArgumentException("batch " + batch + ": a batch holds at least 1 example");
      }
      if (!(learningRate >= 0) || Double.isInfinite(learningRate)) {
        throw new IllegalArgumentException("learning rate " + learningRate + " must be a finite number at least 0");
      }
      if (!(momentum >= 0 && momentum < 1)) {
        throw new IllegalArgumentException("momentum " + momentum + " must be at least 0 and below 1");
      }
      if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
        throw new IllegalArgumentException("weight decay " + weightDecay + " must be a finite number at least 0");
      }
    }
  }

  private final Config config;
  private final Communicator processes;
  private final boolean overlap;

  /** A trainer of one process. */
  public Trainer(Config config) {
    this(config, new SingleProcess());
  }

  /**
   * A trainer that is one of {@code processes}: synchronous data parallelism. Every process computes its
   * {@link BatchShare share} of each global batch of {@link Config#batch()} examples, the gradients are summed over the
   * processes, and each applies the same update, so the run trains as one process would with the same seed. Rank 0
   * alone writes the checkpoint and calls the listener. The sums overlap the backward pass unless the system property
   * {@code netforge.overlap} is {@code false}.
   */
  public Trainer(Config config, Communicator processes) {
    this(config, processes, !"false".equals(System.getProperty("netforge.overlap")));
  }

  /**
   * As {@link #Trainer(Config, Communicator)}; {@code overlap}: each layer's gradients are summed over the processes as
   * soon as the backward pass has finished them, while it goes on ({@link OverlappedGradientSum}), rather than all
   * after it. The weights are the same bits either way. Only the CPU engine's backward pass overlaps so: the CUDA
   * engine's gradients reach the host ({@link Engine#gradientsToHost}) after its whole backward pass.
   */
  public Trainer(Config config, Communicator processes, boolean overlap) {
    this.config = config;
    this.processes = processes;
    this.overlap = overlap;
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
    if (train.count() == 0 || test.count() == 0) {
      throw new IllegalArgumentException("the " + (train.count() == 0 ? "training" : "test") + " set is empty");
    }
    int ranks = processes.size();
    Sgd sgd = new Sgd(net.parameters(), config.momentum(), config.weightDecay());
    int count = train.count();
    int batch = config.batch();
    int stepsPerEpoch = (count + batch - 1) / batch;
    LearningRateSchedule schedule = LearningRateSchedule.parse(config.schedule(), config.learningRate(), config.epochs(), stepsPerEpoch);
    long dataSeed = config.seed() ^ 0x5DEECE66DL;
    int startEpoch = 1;
    long step = 0;
    if (resume != null) {
      ResumePoint resumed = Checkpoint.resume(resume, net, sgd, schedule);
      if (processes.rank() == 0) {
        listener.resumed(resumed, changes(resumed));
      }
      startEpoch = resumed.epoch() + 1;
      step = resumed.step();
      dataSeed = resumed.dataSeed();
    } else {
      net.initialize(config.seed());
    }
    requireSameStart(net, train, test, startEpoch, dataSeed);
    engine.fromHost(sgd);
    float[] x = new float[batch * net.inputSize()];
    int[] labels = new int[batch];
    long[] counts = new long[ranks];
    double[] sums = new double[2];
    List<EpochResult> results = new ArrayList<>();
    try (OverlappedGradientSum overlapped = ranks > 1 && overlap ? new OverlappedGradientSum(processes, net) : null) {
      for (int epoch = startEpoch; epoch <= config.epochs(); epoch++) {
        EpochRandom random = new EpochRandom(dataSeed, epoch);
        BatchShare share = BatchShare.of(random.order(count), batch, processes.rank(), ranks);
        double lr = schedule.rate(step);
        long firstStep = step;
        double lossSum = 0;
        long correct = 0;
        long start = System.nanoTime();
        long seen = 0;
        try (TrainingData.Epoch batches = train.epoch(share.order(), share.sizes(), config.flip() ? random : null)) {
          for (int s = 0; s < stepsPerEpoch; s++) {
            int n = batches.next(x, labels);
            if (processes.rank() == 0) {
              listener.dataWait(batches.waitSeconds());
            }
            // How many examples each process has (files that did not decode are left out): this one's place in the batch.
            Arrays.fill(counts, 0);
            counts[processes.rank()] = n;
            processes.sum(counts, 0, ranks);
            long first = 0;
            long global = 0;
            for (int r = 0; r < ranks; r++) {
              first += r < processes.rank() ? counts[r] : 0;
              global += counts[r];
            }
            if (global == 0) {
              continue;  // every file of this batch was undecodable
            }
            double rate = schedule.rate(step);
            sums[0] = 0;
            sums[1] = 0;
            if (n > 0) {
              int[] batchLabels = n == batch ? labels : Arrays.copyOf(labels, n);
              net.shareOfBatch(first, Math.toIntExact(global));
              float[] logits = engine.forward(x, n, true);
              sums[1] = correct(logits, batchLabels, n, net.outputSize());
              sums[0] = engine.backward(batchLabels, null) * n;
              if (ranks > 1) {
                engine.gradientsToHost();
              }
            } else {
              net.nextTrainingStep();  // its masks are drawn by the processes that have examples
              for (Parameter p : net.parameters()) {
                Arrays.fill(p.grad, 0f);
              }
            }
            // The gradients first: only then is the communication thread idle, and MPI free for the loss's sum. The CUDA
            // engine's backward pass runs on its devices and announces nothing, so with it every sum starts in await.
            if (overlapped != null) {
              overlapped.await();
            } else {
              Gradients.sum(processes, net.parameters());
            }
            if (ranks > 1) {
              engine.gradientsFromHost();
            }
            processes.sum(sums, 0, sums.length);
            double loss = sums[0] / global;
            step++;
            if (!Double.isFinite(loss)) {
              throw diverged("loss is " + loss + " at epoch " + epoch + ", step " + (s + 1) + " of " + stepsPerEpoch + " (step " + step + " overall)", rate);
            }
            engine.update(sgd, rate);
            lossSum += sums[0];
            correct += (long) sums[1];
            seen += global;
            double seconds = (System.nanoTime() - start) / 1e9;
            if (processes.rank() == 0) {
              listener.step(epoch, s + 1, stepsPerEpoch, loss, (double) correct / seen, seen / seconds);
            }
          }
        }
        net.shareOfBatch(0, 0);
        double seconds = (System.nanoTime() - start) / 1e9;
        // At the training batch, so that evaluation (10-crop testing included) fits in the buffers training planned.
        Evaluation eval = Evaluation.of(engine, test, batch, processes);
        double lastLr = step > firstStep ? schedule.rate(step - 1) : lr;
        if (!Double.isFinite(eval.loss())) {
          // The epoch's last update left weights that are not numbers (a step's loss is taken before its update, so no
          // training step saw them); the checkpoint would keep them.
          throw diverged("test loss is " + eval.loss() + " after epoch " + epoch + " (step " + step + " overall)", lastLr);
        }
        EpochResult result = new EpochResult(epoch, lossSum / seen, (double) correct / seen, eval, lr, lastLr, seconds, seen / seconds);
        schedule.endOfEpoch(epoch, 1 - eval.top1());
        if (processes.rank() == 0) {
          writeCheckpoint(engine, sgd, schedule, epoch, step, dataSeed, eval);
          listener.epoch(result);
        }
        results.add(result);
      }
    }
    return results;
  }

  /** The run's settings as its checkpoints record them, under {@link Checkpoint#RUN_SETTINGS}' names. */
  private Map<String, String> runSettings() {
    return Map.of("batch", Integer.toString(config.batch()), "seed", Long.toString(config.seed()), "schedule", config.schedule(), "momentum",
        Double.toString(config.momentum()), "weight_decay", Double.toString(config.weightDecay()));
  }

  /** This run's settings that differ from those {@code from}'s checkpoint recorded, one sentence each. */
  private List<String> changes(ResumePoint from) {
    Map<String, String> given = runSettings();
    List<String> changes = new ArrayList<>();
    for (String key : Checkpoint.RUN_SETTINGS) {
      String written = from.settings().get(key);
      if (written != null && !written.equals(given.get(key))) {
        changes.add(key.replace('_', ' ') + " " + given.get(key) + " where the checkpoint's run had " + written);
      }
    }
    return changes;
  }

  /** Stops training because {@code what}, leaving the checkpoint on disk, if any, as the last good state. */
  private TrainingDiverged diverged(String what, double rate) {
    return new TrainingDiverged(what + "; stopped without writing a checkpoint"
        + (Files.exists(config.checkpoint()) ? ", so " + config.checkpoint() + " still holds the last good state" : "")
        + ". Lower the learning rate (now " + rate + ").");
  }

  /**
   * Makes sure every process starts from the same state: rank 0's settings, data sizes and parameters' fingerprint
   * are broadcast and compared, so that a rank started with other options or another checkpoint fails at once, naming
   * what differs, instead of training something else.
   */
  private void requireSameStart(CompiledNetwork net, TrainingData train, TrainingData test, int startEpoch, long dataSeed) {
    if (processes.size() == 1) {
      return;
    }
    long parameters = 17;
    for (Parameter p : net.parameters()) {
      for (float v : p.value) {
        parameters = parameters * 31 + Float.floatToRawIntBits(v);
      }
    }
    String[] names = {"the seed", "the batch", "the epochs", "the training set's size", "the test set's size", "the epoch it starts from",
        "the data seed", "the parameters' fingerprint"};
    long[] mine = {config.seed(), config.batch(), config.epochs(), train.count(), test.count(), startEpoch, dataSeed, parameters};
    long[] root = mine.clone();
    processes.broadcast(root, 0, root.length, 0);
    for (int i = 0; i < mine.length; i++) {
      if (mine[i] != root[i]) {
        throw new IllegalArgumentException("rank " + processes.rank() + " of " + processes.size() + " starts with " + names[i] + " " + mine[i]
            + ", rank 0 with " + root[i] + ": every rank must be started with the same options, data and checkpoint");
      }
    }
  }

  private void writeCheckpoint(Engine engine, Sgd sgd, LearningRateSchedule schedule, int epoch, long step, long dataSeed, Evaluation eval)
      throws IOException {
    CompiledNetwork net = engine.network();
    Map<String, String> meta = new LinkedHashMap<>();
    meta.put("epoch", Integer.toString(epoch));
    meta.put("step", Long.toString(step));
    meta.put("learning_rate", Double.toString(schedule.rate(step)));
    meta.putAll(runSettings());
    meta.put("schedule.state", schedule.state());
    meta.put("data.seed", Long.toString(dataSeed));
    meta.put("dropout.seed", Long.toString(net.dropoutSeed()));
    meta.put("dropout.steps", Long.toString(net.trainingSteps()));
    meta.put("ranks", Integer.toString(processes.size()));
    meta.put("test.top1", Double.toString(eval.top1()));
    meta.putAll(config.metadata());
    engine.toHost(sgd);
    Checkpoint.write(config.checkpoint(), net, sgd, meta);
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
