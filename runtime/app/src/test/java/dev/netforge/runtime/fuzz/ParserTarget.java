package dev.netforge.runtime.fuzz;

import dev.netforge.runtime.data.IdxFormatException;
import dev.netforge.runtime.data.IdxReader;
import dev.netforge.runtime.images.ColourStatistics;
import dev.netforge.runtime.images.ImageDecoder;
import dev.netforge.runtime.images.Preprocessing;
import dev.netforge.runtime.io.SafeTensors;
import dev.netforge.runtime.io.TensorFormatException;
import dev.netforge.runtime.train.Checkpoint;
import dev.netforge.runtime.train.LearningRateSchedule;
import dev.netforge.runtime.train.Sgd;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A parser that reads a user's file, as the fuzzer drives it: the fuzzed bytes are written to {@link #fileName} (with
 * whatever partner files the parser needs) and parsed. The contract: it returns, or throws {@link #documented} with a
 * message naming the file.
 */
enum ParserTarget {
  SAFETENSORS("weights.safetensors", TensorFormatException.class) {
    @Override
    void parse(Path file) throws IOException {
      SafeTensors st = SafeTensors.read(file);
      for (String name : st.tensors().keySet()) {
        st.get(name, st.get(name).shape());
      }
    }
  },
  /** The safetensors header alone: the fuzzed bytes are the JSON, framed by a correct length and some data. */
  SAFETENSORS_HEADER("header.safetensors", TensorFormatException.class) {
    @Override
    byte[] frame(byte[] json) {
      return ByteBuffer.allocate(8 + json.length + 64).order(ByteOrder.LITTLE_ENDIAN).putLong(json.length).put(json).array();
    }

    @Override
    void parse(Path file) throws IOException {
      SAFETENSORS.parse(file);
    }
  },
  /** An IDX image file beside a valid label file of three labels. */
  IDX_IMAGES("train-images-idx3-ubyte", IdxFormatException.class) {
    @Override
    void parse(Path file) throws IOException {
      Path labels = file.resolveSibling("partner-labels-idx1-ubyte");
      Files.write(labels, idx(0x0801, new int[] {3}, new byte[] {0, 1, 2}));
      IdxReader.read(file, labels, 10);
    }
  },
  /** An IDX label file beside a valid file of three 2×2 images. */
  IDX_LABELS("train-labels-idx1-ubyte", IdxFormatException.class) {
    @Override
    void parse(Path file) throws IOException {
      Path images = file.resolveSibling("partner-images-idx3-ubyte");
      Files.write(images, idx(0x0803, new int[] {3, 2, 2}, new byte[12]));
      IdxReader.read(images, file, 10);
    }
  },
  /** Resuming training of {@link CheckpointProbe} from the fuzzed checkpoint. */
  CHECKPOINT("checkpoint.safetensors", TensorFormatException.class) {
    @Override
    void parse(Path file) throws IOException {
      CheckpointProbe net = new CheckpointProbe();
      Checkpoint.resume(file, net, new Sgd(net.parameters(), 0.9, 5e-4), LearningRateSchedule.parse("plateau:2", 0.01, 1, 1));
    }

    @Override
    List<byte[]> generatedSeeds(Path scratch) throws IOException {
      CheckpointProbe net = new CheckpointProbe();
      net.initialize(3);
      Path file = scratch.resolve("seed-checkpoint.safetensors");
      Checkpoint.write(file, net, new Sgd(net.parameters(), 0.9, 5e-4), Map.of("epoch", "2", "step", "40", "schedule.state",
          LearningRateSchedule.parse("plateau:2", 0.01, 1, 1).state(), "rng.data", "12345", "rng.dropout", "-678"));
      return List.of(Files.readAllBytes(file));
    }
  },
  /** JPEG, PNG, GIF or BMP through the folder pipeline's decoder. */
  IMAGE("photo.jpg", IOException.class) {
    @Override
    void parse(Path file) throws IOException {
      ImageDecoder.decode(file);
    }
  },
  COLOUR_STATISTICS("netforge-statistics.safetensors", TensorFormatException.class) {
    @Override
    void parse(Path file) throws IOException {
      ColourStatistics.read(file);
    }

    @Override
    List<byte[]> generatedSeeds(Path scratch) throws IOException {
      // Generated, not committed: the mean image alone is 3×256×256 floats (768 KiB).
      int plane = Preprocessing.SIZE * Preprocessing.SIZE;
      float[] mean = new float[3 * plane];
      java.util.Arrays.fill(mean, 120.5f);
      Path file = scratch.resolve("seed-statistics.safetensors");
      new ColourStatistics(mean, new float[] {0.2f, 0.02f, 0.005f}, new float[] {-0.58f, -0.81f, 0.06f, -0.58f, 0.36f, -0.73f, -0.57f, 0.45f,
          0.68f}, 42).write(file);
      return List.of(Files.readAllBytes(file));
    }
  };

  /** The name the fuzzed file is written under; the documented exception's message must contain it. */
  final String fileName;
  final Class<? extends IOException> documented;

  ParserTarget(String fileName, Class<? extends IOException> documented) {
    this.fileName = fileName;
    this.documented = documented;
  }

  /** Parses {@code file}, which holds {@link #frame}d fuzzed bytes. */
  abstract void parse(Path file) throws IOException;

  /** The file content for fuzzed bytes: the bytes themselves, unless the target fuzzes only a part of a file. */
  byte[] frame(byte[] fuzzed) {
    return fuzzed;
  }

  /** Seeds made by the code under test rather than committed (too large, or tied to a test-only network). */
  List<byte[]> generatedSeeds(Path scratch) throws IOException {
    return List.of();
  }

  /** The corpus folder of this target under {@code src/test/resources/fuzz}. */
  String corpusName() {
    return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
  }

  static byte[] idx(int magic, int[] dims, byte[] data) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    out.writeInt(magic);
    for (int d : dims) {
      out.writeInt(d);
    }
    out.write(data);
    return bytes.toByteArray();
  }
}
