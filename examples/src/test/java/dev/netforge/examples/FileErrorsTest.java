package dev.netforge.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netforge.runtime.Reference;
import dev.netforge.runtime.cli.Cli;
import dev.netforge.runtime.io.SafeTensors;
import dev.netforge.runtime.io.Tensor;
import dev.netforge.runtime.train.Checkpoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A missing, corrupt or mismatched file given to a command: one line naming the file and what is wrong, exit code 1,
 * no stack trace and no output file; {@code predict} classifies every image it can and names each it cannot.
 */
class FileErrorsTest {
  @TempDir Path tmp;

  /** Runs a command that must fail; returns its one line of standard error. */
  private static String oneErrorLine(String... args) {
    String err = Console.stderrOf(() -> assertEquals(1, Cli.run(Main.models(), null, args)));
    List<String> lines = err.lines().toList();
    assertEquals(1, lines.size(), "one line, no stack trace: " + err);
    assertTrue(lines.get(0).startsWith("error: "), err);
    return lines.get(0);
  }

  private String forwardError(Path weights) throws Exception {
    Path input = tmp.resolve("input.safetensors");
    SafeTensors.write(input, Map.of(), List.of(Tensor.of("input", new float[28 * 28], 1, 1, 28, 28)));
    Path out = tmp.resolve("logits.safetensors");
    String line = oneErrorLine("forward", "--model", "mini-alexnet", "--weights", weights.toString(), "--input", input.toString(), "--out",
        out.toString());
    assertFalse(Files.exists(out), "nothing written");
    return line;
  }

  @Test
  void missingWeightsSayTheyAreMissing() throws Exception {
    Path missing = tmp.resolve("checkpoint.safetensors");
    assertEquals("error: " + missing + ": no such file or directory", forwardError(missing));
  }

  @Test
  void aDirectoryOrACorruptFileIsNamed() throws Exception {
    assertTrue(forwardError(Files.createDirectory(tmp.resolve("weights"))).contains("weights: is a directory"));
    Path garbage = Files.writeString(tmp.resolve("garbage.safetensors"), "this is not a safetensors file");
    assertTrue(forwardError(garbage).contains("garbage.safetensors: header length"));
  }

  @Test
  void truncatedOrMismatchedWeightsNameTheFileAndTheTensor() throws Exception {
    byte[] weights = Files.readAllBytes(Reference.dir().resolve("mini_alexnet_weights.safetensors"));
    Path truncated = Files.write(tmp.resolve("truncated.safetensors"), Arrays.copyOf(weights, weights.length / 2));
    assertTrue(forwardError(truncated).matches("error: .*truncated.safetensors: tensor \".*\": bytes .* lie outside .*"));
    Path other = tmp.resolve("other.safetensors");
    SafeTensors.write(other, Map.of(), List.of(Tensor.of("fc.weight", new float[6], 2, 3)));
    assertTrue(forwardError(other).contains("other.safetensors: no tensor \"conv1.weight\""));
  }

  @Test
  void labelsOutsideTheClassesNameTheFileAndTheExample() throws Exception {
    Path input = tmp.resolve("input.safetensors");
    SafeTensors.write(input, Map.of(), List.of(Tensor.of("input", new float[2 * 28 * 28], 2, 1, 28, 28)));
    Path labels = tmp.resolve("labels.safetensors");
    SafeTensors.write(labels, Map.of(), List.of(Tensor.ofLongs("labels", new long[] {3, 1L << 40}, 2)));
    Path out = tmp.resolve("gradients.safetensors");
    String line = oneErrorLine("gradients", "--model", "mini-alexnet", "--weights", Reference.dir().resolve("mini_alexnet_weights.safetensors").toString(),
        "--input", input.toString(), "--labels", labels.toString(), "--out", out.toString());
    assertTrue(line.contains("labels.safetensors: tensor \"labels\" holds 1.099511627776E12 for example 1, outside the 10 classes"), line);
    assertFalse(Files.exists(out), "nothing written");
  }

  @Test
  void benchOnImagesOfAnotherSizeNamesTheNetworkAndTheData() throws Exception {
    Path data = TinyData.write(tmp.resolve("data"), 64, 32);
    String line = oneErrorLine("bench", "--model", "mini-alexnet", "--batch", "2", "--steps", "1", "--peak-gflops", "1", "--data", data.toString());
    assertTrue(line.contains("MiniAlexNet takes 1×28×28 inputs but " + data + " holds 1×12×12 images"), line);
  }

  @Test
  void resumingFromAnotherNetworksCheckpointNamesIt() throws Exception {
    Path data = TinyData.write(tmp.resolve("data"), 64, 32);
    MiniAlexNet other = new MiniAlexNet();
    Path checkpoint = tmp.resolve("mini.safetensors");
    Checkpoint.write(checkpoint, other, null, Map.of());
    Path run = tmp.resolve("run");
    String line = oneErrorLine("train", "--model", TinyTrainProbe.class.getName(), "--data", data.toString(), "--epochs", "1", "--out",
        run.toString(), "--resume", checkpoint.toString());
    assertTrue(line.contains("mini.safetensors: is a checkpoint of MiniAlexNet, not TinyTrainProbe"), line);
    assertFalse(Files.exists(run.resolve("checkpoint.safetensors")), "nothing written");
  }

  @Test
  void predictClassifiesEveryDecodableImageAndNamesTheOthers() throws Exception {
    Path images = TinyImages.write(tmp.resolve("set"), 2, TinyImages.Folder.VAL).resolve("val");
    RgbProbe net = new RgbProbe();
    net.initialize(1);
    Path weights = tmp.resolve("rgb.safetensors");
    Checkpoint.write(weights, net, null, Map.of());
    Path broken = Files.write(tmp.resolve("broken.jpg"), new byte[] {(byte) 0xff, (byte) 0xd8, (byte) 0xff, 0});
    Path missing = tmp.resolve("missing.png");
    Path labels = Files.writeString(tmp.resolve("labels.txt"), "red\ngreen\nblue\n");
    String[] predict = {"predict", "--model", RgbProbe.class.getName(), "--weights", weights.toString(), "--labels", labels.toString(),
        images.resolve("c0/0.png").toString(), broken.toString(), missing.toString(), images.resolve("c2/1.png").toString()};
    String[] err = new String[1];
    String out = Console.stdoutOf(() -> err[0] = Console.stderrOf(() -> assertEquals(1, Cli.run(Main.models(), null, predict))));
    assertTrue(out.contains("c0/0.png:") && out.contains("c2/1.png:"), "the images after the bad ones are classified too: " + out);
    List<String> lines = err[0].lines().toList();
    assertEquals(2, lines.size(), err[0]);
    assertTrue(lines.get(0).startsWith("error: " + broken + ": cannot decode"), lines.get(0));
    assertEquals("error: " + missing + ": no such file or directory", lines.get(1));
  }
}
