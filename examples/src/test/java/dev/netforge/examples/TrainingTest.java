package dev.netforge.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netforge.runtime.CompiledNetwork;
import dev.netforge.runtime.CpuEngine;
import dev.netforge.runtime.Engine;
import dev.netforge.runtime.Parameter;
import dev.netforge.runtime.cuda.CudaEngine;
import dev.netforge.runtime.cuda.Devices;
import dev.netforge.runtime.data.Batcher;
import dev.netforge.runtime.data.FashionMnist;
import dev.netforge.runtime.data.ImageSet;
import dev.netforge.runtime.train.EpochResult;
import dev.netforge.runtime.train.Evaluation;
import dev.netforge.runtime.train.ResumePoint;
import dev.netforge.runtime.train.Trainer;
import dev.netforge.runtime.train.TrainingDiverged;
import dev.netforge.runtime.train.TrainingListener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Training end to end on a small written data set: it learns, it is reproducible, it resumes exactly, it stops on NaN. */
class TrainingTest {
  @TempDir Path tmp;
  /** The learning-rate schedule of this test's runs. */
  private String schedule = "step:2:0.5";

  private Trainer.Config config(int epochs, Path checkpoint) {
    return new Trainer.Config(epochs, 32, 0.05, 0.9, 5e-4, schedule, 7, true, checkpoint, Map.of("normalization", "0.3,0.3"));
  }

  private List<Double> train(int epochs, Path checkpoint, Path resume, CompiledNetwork net, Path data, TrainingListener extra) throws IOException {
    return train(epochs, checkpoint, resume, new CpuEngine(net), data, extra);
  }

  private List<Double> train(int epochs, Path checkpoint, Path resume, Engine engine, Path data, TrainingListener extra) throws IOException {
    ImageSet trainSet = FashionMnist.train(data);
    ImageSet testSet = FashionMnist.test(data);
    List<Double> losses = new ArrayList<>();
    new Trainer(config(epochs, checkpoint)).train(engine, new Batcher(trainSet, trainSet.statistics()), new Batcher(testSet, trainSet.statistics()),
        resume, new TrainingListener() {
          @Override
          public void step(int epoch, int stepInEpoch, int stepsPerEpoch, double loss, double accuracy, double imagesPerSecond) {
            losses.add(loss);
            extra.step(epoch, stepInEpoch, stepsPerEpoch, loss, accuracy, imagesPerSecond);
          }

          @Override
          public void epoch(EpochResult result) {
            extra.epoch(result);
          }

          @Override
          public void resumed(ResumePoint from, List<String> changes) {
            extra.resumed(from, changes);
          }
        });
    return losses;
  }

  @Test
  void learnsAndIsReproducibleWithTheSameSeed() throws IOException {
    Path data = TinyData.write(tmp.resolve("data"), 512, 128);
    List<EpochResult> results = new ArrayList<>();
    ImageSet trainSet = FashionMnist.train(data);
    ImageSet testSet = FashionMnist.test(data);
    results.addAll(new Trainer(config(3, tmp.resolve("a.safetensors"))).train(new TinyTrainProbe(),
        new Batcher(trainSet, trainSet.statistics()), new Batcher(testSet, trainSet.statistics()), null, new TrainingListener() {}));
    double accuracy = results.get(results.size() - 1).test().top1();
    assertTrue(accuracy > 0.9, "test top-1 after 3 epochs: " + accuracy);
    List<Double> first = train(1, tmp.resolve("b.safetensors"), null, new TinyTrainProbe(), data, new TrainingListener() {});
    List<Double> second = train(1, tmp.resolve("c.safetensors"), null, new TinyTrainProbe(), data, new TrainingListener() {});
    assertEquals(first, second);
  }

  @Test
  void resumeContinuesExactlyAsAnUninterruptedRun() throws IOException {
    Path data = TinyData.write(tmp.resolve("data"), 256, 64);
    CompiledNetwork whole = new TinyTrainProbe();
    List<Double> uninterrupted = train(2, tmp.resolve("whole.safetensors"), null, whole, data, new TrainingListener() {});
    Path checkpoint = tmp.resolve("split.safetensors");
    List<Double> firstHalf = train(1, checkpoint, null, new TinyTrainProbe(), data, new TrainingListener() {});
    CompiledNetwork resumed = new TinyTrainProbe();
    List<Double> secondHalf = train(2, checkpoint, checkpoint, resumed, data, new TrainingListener() {});
    List<Double> joined = new ArrayList<>(firstHalf);
    joined.addAll(secondHalf);
    assertEquals(uninterrupted, joined);
    for (Parameter p : whole.parameters()) {
      assertArrayEquals(p.value, resumed.parameter(p.name()).value, p.name());
    }
  }

  @Test
  void aRunStoppedAfterItsCheckpointResumesItsPerStepScheduleExactly() throws IOException {
    schedule = "cosine:0.5";
    Path data = TinyData.write(tmp.resolve("data"), 256, 64);
    CompiledNetwork whole = new TinyTrainProbe();
    List<Double> uninterrupted = train(3, tmp.resolve("whole.safetensors"), null, whole, data, new TrainingListener() {});
    // Stopped (as by a kill) once epoch 1's checkpoint is written, in a run planned for 3 epochs: the cosine's horizon.
    Path checkpoint = tmp.resolve("split.safetensors");
    List<Double> firstPart = new ArrayList<>();
    assertThrows(IllegalStateException.class, () -> train(3, checkpoint, null, new TinyTrainProbe(), data, new TrainingListener() {
      @Override
      public void step(int epoch, int stepInEpoch, int stepsPerEpoch, double loss, double accuracy, double imagesPerSecond) {
        firstPart.add(loss);
      }

      @Override
      public void epoch(EpochResult result) {
        throw new IllegalStateException("stopped after epoch " + result.epoch());
      }
    }));
    CompiledNetwork resumed = new TinyTrainProbe();
    List<Double> joined = new ArrayList<>(firstPart);
    joined.addAll(train(3, checkpoint, checkpoint, resumed, data, new TrainingListener() {}));
    assertEquals(uninterrupted, joined);
    for (Parameter p : whole.parameters()) {
      assertArrayEquals(p.value, resumed.parameter(p.name()).value, p.name());
    }
  }

  @Test
  void theCudaEngineTrainsAndResumesLikeTheCpuEngine() throws IOException {
    Path data = TinyData.write(tmp.resolve("data"), 128, 32);
    List<Double> cpu = train(2, tmp.resolve("cpu.safetensors"), null, new TinyTrainProbe(), data, new TrainingListener() {});
    Path checkpoint = tmp.resolve("cuda.safetensors");
    List<Double> cuda;
    try (Engine first = new CudaEngine(new TinyTrainProbe(), Devices.open("emulated", 2, 2))) {
      cuda = new ArrayList<>(train(1, checkpoint, null, first, data, new TrainingListener() {}));
    }
    try (Engine resumed = new CudaEngine(new TinyTrainProbe(), Devices.open("emulated", 1, 2))) {
      cuda.addAll(train(2, checkpoint, checkpoint, resumed, data, new TrainingListener() {}));
    }
    assertEquals(cpu.size(), cuda.size());
    for (int i = 0; i < cpu.size(); i++) {
      assertEquals(cpu.get(i), cuda.get(i), 1e-4 * cpu.get(i), "loss of step " + i);
    }
  }

  @Test
  void nanLossStopsTrainingAndKeepsTheLastGoodCheckpoint() throws IOException {
    String stop = stopAfterLosingTheWeights(2);
    assertTrue(stop.contains("loss is NaN at epoch 2, step 3 of 4"), stop);
    assertTrue(stop.contains("still holds the last good state"), stop);
  }

  /**
   * Weights that stop being numbers in an epoch's last update reach no training step's loss (each is taken before its
   * update): the test set's loss after that epoch stops the run, and the checkpoint still holds the epoch before.
   */
  @Test
  void weightsLostInAnEpochsLastStepStopTrainingAndKeepTheLastGoodCheckpoint() throws IOException {
    String stop = stopAfterLosingTheWeights(4);
    assertTrue(stop.contains("test loss is NaN after epoch 2 (step 8 overall)"), stop);
    assertTrue(stop.contains("still holds the last good state"), stop);
  }

  /**
   * Trains an epoch of four steps, then resumes for a second that sets a weight to NaN after its step {@code lostAfter};
   * returns why training stopped, having checked that the first epoch's checkpoint is byte for byte as it was.
   */
  private String stopAfterLosingTheWeights(int lostAfter) throws IOException {
    Path data = TinyData.write(tmp.resolve("data"), 128, 32);
    Path checkpoint = tmp.resolve("run.safetensors");
    CompiledNetwork net = new TinyTrainProbe();
    train(1, checkpoint, null, net, data, new TrainingListener() {});
    byte[] good = Files.readAllBytes(checkpoint);
    TrainingDiverged stop = assertThrows(TrainingDiverged.class, () -> train(2, checkpoint, checkpoint, net, data, new TrainingListener() {
      @Override
      public void step(int epoch, int stepInEpoch, int stepsPerEpoch, double loss, double accuracy, double imagesPerSecond) {
        if (stepInEpoch == lostAfter) {
          net.parameter("fc4.weight").value[0] = Float.NaN;
        }
      }
    }));
    assertArrayEquals(good, Files.readAllBytes(checkpoint));
    return stop.getMessage();
  }

  /** Outputs that are not numbers are never right: compared as numbers, nothing ranked above the truth's. */
  @Test
  void anEvaluationOfWeightsThatAreNotNumbersCountsNothingRight() throws IOException {
    Path data = TinyData.write(tmp.resolve("data"), 32, 32);
    CompiledNetwork net = new TinyTrainProbe();
    net.initialize(1);
    net.parameter("fc4.weight").value[0] = Float.NaN;
    ImageSet testSet = FashionMnist.test(data);
    Evaluation eval = Evaluation.of(net, new Batcher(testSet, testSet.statistics()), 16);
    assertTrue(Double.isNaN(eval.loss()), "loss " + eval.loss());
    assertEquals(0.0, eval.top1());
    assertEquals(0.0, eval.top5());
  }

  /** A run resumed with other settings than its checkpoint's goes on, and the listener is told each difference. */
  @Test
  void aResumedRunIsToldWhichSettingsDifferFromItsCheckpoints() throws IOException {
    Path data = TinyData.write(tmp.resolve("data"), 128, 32);
    Path checkpoint = tmp.resolve("run.safetensors");
    train(1, checkpoint, null, new TinyTrainProbe(), data, new TrainingListener() {});
    ImageSet trainSet = FashionMnist.train(data);
    ImageSet testSet = FashionMnist.test(data);
    List<String> told = new ArrayList<>();
    List<String> sameRun = new ArrayList<>();
    Trainer.Config other = new Trainer.Config(2, 16, 0.05, 0.9, 5e-4, "constant", 7, true, tmp.resolve("other.safetensors"), Map.of());
    new Trainer(other).train(new TinyTrainProbe(), new Batcher(trainSet, trainSet.statistics()), new Batcher(testSet, trainSet.statistics()),
        checkpoint, new TrainingListener() {
          @Override
          public void resumed(ResumePoint from, List<String> changes) {
            told.add("after epoch " + from.epoch() + ", step " + from.step());
            told.addAll(changes);
          }
        });
    assertEquals(List.of("after epoch 1, step 4", "batch 16 where the checkpoint's run had 32",
        "schedule constant where the checkpoint's run had step:2:0.5"), told);
    train(2, tmp.resolve("same.safetensors"), checkpoint, new TinyTrainProbe(), data, new TrainingListener() {
      @Override
      public void resumed(ResumePoint from, List<String> changes) {
        sameRun.addAll(changes);
      }
    });
    assertEquals(List.of(), sameRun, "the same settings: nothing to tell");
  }

  @Test
  void settingsNoRunCanUseAreRefusedByName() {
    Path checkpoint = tmp.resolve("never.safetensors");
    Map<String, String> none = Map.of();
    assertMessage("epochs 0: a run trains at least 1 epoch", () -> new Trainer.Config(0, 32, 0.05, 0.9, 5e-4, "constant", 1, true, checkpoint, none));
    assertMessage("batch 0: a batch holds at least 1 example", () -> new Trainer.Config(1, 0, 0.05, 0.9, 5e-4, "constant", 1, true, checkpoint, none));
    assertMessage("learning rate NaN must be a finite number at least 0",
        () -> new Trainer.Config(1, 32, Double.NaN, 0.9, 5e-4, "constant", 1, true, checkpoint, none));
    assertMessage("momentum 1.0 must be at least 0 and below 1", () -> new Trainer.Config(1, 32, 0.05, 1, 5e-4, "constant", 1, true, checkpoint, none));
    assertMessage("weight decay -1.0 must be a finite number at least 0",
        () -> new Trainer.Config(1, 32, 0.05, 0.9, -1, "constant", 1, true, checkpoint, none));
  }

  @Test
  void anEmptyTrainingSetIsRefused() throws IOException {
    Path data = TinyData.write(tmp.resolve("data"), 32, 32);
    ImageSet trainSet = FashionMnist.train(data);
    ImageSet testSet = FashionMnist.test(data);
    IllegalArgumentException empty = assertThrows(IllegalArgumentException.class, () -> new Trainer(config(1, tmp.resolve("c.safetensors")))
        .train(new TinyTrainProbe(), new Batcher(trainSet.head(0), testSet.statistics()), new Batcher(testSet, testSet.statistics()), null,
            new TrainingListener() {}));
    assertEquals("the training set is empty", empty.getMessage());
  }

  private static void assertMessage(String message, org.junit.jupiter.api.function.Executable construct) {
    assertEquals(message, assertThrows(IllegalArgumentException.class, construct).getMessage());
  }
}
