package dev.netforge.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netforge.dsl.Conv;
import dev.netforge.dsl.Dense;
import dev.netforge.dsl.Input;
import dev.netforge.dsl.MaxPool;
import dev.netforge.dsl.Network;
import dev.netforge.dsl.Relu;
import dev.netforge.dsl.Softmax;
import dev.netforge.examples.TinyImages.Folder;
import dev.netforge.runtime.cli.Cli;
import dev.netforge.runtime.data.TrainingData;
import dev.netforge.runtime.images.Augmentation;
import dev.netforge.runtime.images.ColourStatistics;
import dev.netforge.runtime.images.ImageDecoder;
import dev.netforge.runtime.images.ImageFolder;
import dev.netforge.runtime.images.ImageFolderData;
import dev.netforge.runtime.images.Preprocessing;
import dev.netforge.runtime.train.Evaluation;
import dev.netforge.runtime.train.Trainer;
import dev.netforge.runtime.train.TrainingListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The image-folder pipeline end to end: 10-crop testing, training and evaluation through the CLI, prediction. */
class ImageFolderTrainingTest {
  @Network(name = "RgbProbe", towers = 1)
  @Input(channels = 3, height = 32, width = 32)
  interface RgbProbeSpec {
    @Conv(filters = 8, kernel = 5, stride = 3)
    @Relu
    @MaxPool(kernel = 2, stride = 2)
    void conv1();

    @Dense(units = 3)
    @Softmax
    void fc2();
  }

  @TempDir Path tmp;

  @Test
  void tenCropTestingIsTheMeanOfTenSingleCropPasses() throws Exception {
    Path root = TinyImages.write(tmp.resolve("set"), 4, Folder.VAL);
    ImageFolder folder = ImageFolder.scan(root.resolve("val"));
    ColourStatistics statistics = ColourStatistics.compute(folder, 2);
    Augmentation augmentation = new Augmentation(statistics, 32);
    RgbProbe net = new RgbProbe();
    net.initialize(4);
    Evaluation tenCrop = Evaluation.of(net, new ImageFolderData(folder, augmentation, ImageFolderData.Mode.TEN_CROP, 2), 5);

    int far = Preprocessing.SIZE - 32;
    int[][] corners = {{0, 0}, {far, 0}, {0, far}, {far, far}, {far / 2, far / 2}};
    double loss = 0;
    for (ImageFolder.Item item : folder.items()) {
      byte[] image = Preprocessing.square(ImageDecoder.decode(item.file()));
      double[] mean = new double[3];
      for (int[] corner : corners) {
        for (boolean flip : new boolean[] {false, true}) {
          float[] x = new float[net.inputSize()];
          augmentation.view(image, corner[0], corner[1], flip, null, x, 0);
          double[] p = new double[3];
          Evaluation.averageSoftmax(net.forward(x, 1, false), 0, 1, 3, p);
          for (int c = 0; c < 3; c++) {
            mean[c] += p[c] / 10;
          }
        }
      }
      loss -= Math.log(mean[item.label()]);
    }
    assertEquals(folder.count(), tenCrop.count());
    assertEquals(loss / folder.count(), tenCrop.loss(), 1e-6);

    // Two examples' ten crops per pass: the buffers stay planned for the 20 images asked for, not 200.
    RgbProbe fresh = new RgbProbe();
    fresh.initialize(4);
    Evaluation twoAtATime = Evaluation.of(fresh, new ImageFolderData(folder, augmentation, ImageFolderData.Mode.TEN_CROP, 2), 20);
    assertEquals(20, fresh.plannedBatch());
    assertEquals(tenCrop.loss(), twoAtATime.loss(), 1e-6);
    assertEquals(tenCrop.top1(), twoAtATime.top1());
  }

  @Test
  void trainsEvaluatesAndPredictsFromImageFolders() throws Exception {
    Path root = TinyImages.write(tmp.resolve("set"), 12, Folder.TRAIN, Folder.VAL);
    Files.write(root.resolve("train/c0/truncated.jpg"), new byte[] {(byte) 0xff, (byte) 0xd8, (byte) 0xff, 0});
    Path run = tmp.resolve("run");
    String out = Console.stdoutOf(() -> assertEquals(0, Cli.run(Main.models(), null, "train", "--model", RgbProbe.class.getName(), "--data",
        root.toString(), "--epochs", "2", "--batch", "8", "--lr", "0.0001", "--out", run.toString(), "--ten-crop")));
    assertTrue(out.contains("files could not be decoded and were left out, first: ") && out.contains("truncated.jpg"), out);
    assertTrue(Files.exists(root.resolve("train/netforge-statistics.safetensors")), "statistics kept beside the data");
    assertTrue(Files.exists(run.resolve("checkpoint.safetensors")));

    String eval = Console.stdoutOf(() -> assertEquals(0, Cli.run(Main.models(), null, "eval", "--model", RgbProbe.class.getName(), "--weights",
        run.resolve("checkpoint.safetensors").toString(), "--data", root.toString(), "--ten-crop")));
    assertTrue(eval.contains("(10 crops)") && eval.contains("(" + 3 * 12 + " images)"), eval);

    Path labels = tmp.resolve("labels.txt");
    Files.writeString(labels, "red\ngreen\nblue\n");
    String predicted = Console.stdoutOf(() -> assertEquals(0, Cli.run(Main.models(), null, "predict", "--model", RgbProbe.class.getName(), "--weights",
        run.resolve("checkpoint.safetensors").toString(), "--labels", labels.toString(), "--statistics",
        root.resolve("train/netforge-statistics.safetensors").toString(), root.resolve("val/c1/0.png").toString())));
    assertTrue(predicted.contains("1. ") && predicted.contains("3. ") && !predicted.contains("4. "), predicted);
    assertTrue(predicted.contains("red") && predicted.contains("green") && predicted.contains("blue"), predicted);
  }

  @Test
  void resumeOnImageFoldersContinuesExactly() throws Exception {
    Path root = TinyImages.write(tmp.resolve("set"), 6, Folder.TRAIN, Folder.VAL);
    ImageFolder train = ImageFolder.scan(root.resolve("train"));
    Augmentation augmentation = new Augmentation(ColourStatistics.ofFolder(train, 2), 32);
    ImageFolderData trainData = new ImageFolderData(train, augmentation, ImageFolderData.Mode.TRAIN, 2);
    ImageFolderData valData = new ImageFolderData(ImageFolder.scan(root.resolve("val")), augmentation, ImageFolderData.Mode.CENTER, 2);
    List<Double> whole = losses(2, tmp.resolve("whole.safetensors"), null, trainData, valData);
    Path split = tmp.resolve("split.safetensors");
    List<Double> resumed = new ArrayList<>(losses(1, split, null, trainData, valData));
    resumed.addAll(losses(2, split, split, trainData, valData));
    assertEquals(whole, resumed, "the same crops, flips and colour noise after resuming");
  }

  private static List<Double> losses(int epochs, Path checkpoint, Path resume, TrainingData train, TrainingData test) throws Exception {
    List<Double> losses = new ArrayList<>();
    Trainer.Config config = new Trainer.Config(epochs, 4, 1e-4, 0.9, 5e-4, "constant", 3, true, checkpoint, Map.of());
    new Trainer(config).train(new RgbProbe(), train, test, resume, new TrainingListener() {
      @Override
      public void step(int epoch, int stepInEpoch, int stepsPerEpoch, double loss, double accuracy, double imagesPerSecond) {
        losses.add(loss);
      }
    });
    return losses;
  }
}
