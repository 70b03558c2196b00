package dev.netforge.examples;

import dev.netforge.dsl.Conv;
import dev.netforge.dsl.Dense;
import dev.netforge.dsl.Dropout;
import dev.netforge.dsl.Input;
import dev.netforge.dsl.Lrn;
import dev.netforge.dsl.MaxPool;
import dev.netforge.dsl.Network;
import dev.netforge.dsl.Relu;
import dev.netforge.dsl.Softmax;
import dev.netforge.runtime.Rng;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** A small MNIST-format data set written by the tests, and a small network with every layer kind to train on it. */
final class TinyData {
  private TinyData() {}

  @Network(name = "TinyTrainProbe", towers = 2, init = dev.netforge.dsl.Init.HE)
  @Input(channels = 1, height = 12, width = 12)
  interface TinyTrainProbeSpec {
    @Conv(filters = 8, kernel = 3, padding = 1)
    @Relu
    @Lrn(size = 3)
    @MaxPool(kernel = 3, stride = 2, rounding = dev.netforge.dsl.Rounding.FLOOR)
    void conv1();

    @Conv(filters = 8, kernel = 3, padding = 1, groups = 2)
    @Relu
    void conv2();

    @Dense(units = 16)
    @Relu
    @Dropout(0.5)
    void fc3();

    @Dense(units = 4)
    @Softmax
    void fc4();
  }

  /**
   * Writes {@code train-*} and {@code t10k-*} IDX files (gzipped) of 12×12 images in 4 classes: a bright bar whose
   * position depends on the class, plus noise, so a network can learn it.
   */
  static Path write(Path dir, int trainCount, int testCount) throws IOException {
    Files.createDirectories(dir);
    Rng rng = new Rng(99);
    writeSet(dir, "train", trainCount, rng);
    writeSet(dir, "t10k", testCount, rng);
    return dir;
  }

  private static void writeSet(Path dir, String prefix, int count, Rng rng) throws IOException {
    byte[] pixels = new byte[count * 144];
    byte[] labels = new byte[count];
    for (int i = 0; i < count; i++) {
      int label = rng.nextInt(4);
      labels[i] = (byte) label;
      for (int p = 0; p < 144; p++) {
        int y = p / 12;
        boolean bar = y / 3 == label;
        pixels[i * 144 + p] = (byte) Math.min(255, (bar ? 160 : 0) + rng.nextInt(90));
      }
    }
    writeIdx(dir.resolve(prefix + "-images-idx3-ubyte.gz"), new int[] {count, 12, 12}, pixels);
    writeIdx(dir.resolve(prefix + "-labels-idx1-ubyte.gz"), new int[] {count}, labels);
  }

  static void writeIdx(Path file, int[] dims, byte[] data) throws IOException {
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
      out.write(idx(dims, data));
    }
  }

  static byte[] idx(int[] dims, byte[] data) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream d = new DataOutputStream(bytes);
    d.writeInt(0x0800 | dims.length);
    for (int dim : dims) {
      d.writeInt(dim);
    }
    d.write(data);
    return bytes.toByteArray();
  }
}
