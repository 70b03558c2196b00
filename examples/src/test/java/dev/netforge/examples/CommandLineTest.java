package dev.netforge.examples;

import dev.netforge.runtime.Reference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netforge.dsl.Conv;
import dev.netforge.dsl.Dense;
import dev.netforge.dsl.Input;
import dev.netforge.dsl.Network;
import dev.netforge.dsl.Relu;
import dev.netforge.dsl.Rounding;
import dev.netforge.runtime.CompiledNetwork;
import dev.netforge.runtime.Parameter;
import dev.netforge.runtime.cli.Cli;
import dev.netforge.runtime.io.SafeTensors;
import dev.netforge.runtime.io.Tensor;
import dev.netforge.runtime.train.Checkpoint;
import dev.netforge.runtime.train.Sgd;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/** The command line end to end: forward and gradients against the PyTorch vectors, errors that name the tensor. */
class CommandLineTest {
  @TempDir Path tmp;

  @Network(name = "NoSoftmaxProbe")
  @Input(channels = 2, height = 5, width = 5)
  interface NoSoftmaxProbeSpec {
    @Conv(filters = 4, kernel = 3)
    @Relu
    void conv1();

    @Dense(units = 3)
    void fc2();
  }

  /** The feature extractor: its output is a feature map, [10, 5, 5], not ten class scores. */
  @Network(name = "FeatureMapProbe", towers = 2)
  @Input(channels = 4, height = 21, width = 21)
  interface FeatureMapProbeSpec {
    @Conv(filters = 10, kernel = 7, stride = 3, rounding = Rounding.FLOOR)
    void conv1();
  }

  private static int run(String... args) {
    return Cli.run(Main.models(), null, args);
  }

  /** What a command printed to standard output; fails unless it exits with 0. */
  private static String output(String... args) {
    PrintStream stdout = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      assertEquals(0, run(args));
    } finally {
      System.setOut(stdout);
    }
    return captured.toString(StandardCharsets.UTF_8);
  }

  /** bench reports its rates and says so when one is above the peak it divides by: that peak was measured wrong. */
  @Test
  void benchWarnsWhenItBeatsThePeak() {
    String[] bench = {"bench", "--model", "mini-alexnet", "--batch", "2", "--steps", "1", "--peak-gflops"};
    String low = output(concat(bench, "0.001"));
    assertTrue(low.contains("train step") && low.contains("warning: ") && low.contains("pass --peak-gflops"), low);
    String high = output(concat(bench, "1000000"));
    assertTrue(high.contains("train step") && !high.contains("peak is wrong"), high);
  }

  /**
   * bench --stages: a row per stage of the network, in the forward pass's order, then what ran outside them
   * ({@link StageProfileTest} checks the times themselves).
   */
  @Test
  void benchStagesListsEveryStageOfTheTrainingStep() {
    String out = output("bench", "--model", "mini-alexnet", "--batch", "2", "--steps", "2", "--peak-gflops", "1000000", "--stages");
    List<String> lines = out.lines().toList();
    int header = lines.indexOf(lines.stream().filter(l -> l.startsWith("where the training step goes (2 more steps")).findFirst().orElseThrow());
    assertEquals("  stage             forward ms  of peak  backward ms  of peak   share  towers' ms (fwd+bwd)", lines.get(header + 1), out);
    List<String> names = new ArrayList<>();
    for (String row : lines.subList(header + 2, lines.size())) {
      if (row.startsWith("  outside the stages (loss, towers waiting for each other, their gradient sums, dropout masks, update): ")) {
        break;
      }
      names.add(row.trim().split(" +")[0]);
      // MiniAlexNet's two towers run every stage after conv1, each its own times; conv1, whose towers read the same
      // input, runs as one object on both threads, with no towers' column.
      if (names.size() == 1) {
        assertTrue(row.matches(".*%\\s*"), row);
      } else {
        assertTrue(row.matches(".*%  [0-9.]+ / [0-9.]+"), row);
      }
    }
    assertEquals(
        List.of("conv1", "conv1Lrn", "conv1Pool", "conv2", "conv2Lrn", "conv2Pool", "conv3", "conv4", "conv5", "conv5Pool", "fc6", "fc7", "fc8"), names,
        out);
    assertTrue(lines.get(header + 2 + names.size()).startsWith("  outside the stages"), out);
  }

  /** bench --data --weights: the training set's images, a new batch each step, from a checkpoint's weights and momentum. */
  @Test
  void benchRunsOnTrainingImagesFromGivenWeights() throws java.io.IOException {
    Path data = TinyData.write(tmp.resolve("data"), 64, 16);
    TinyTrainProbe net = new TinyTrainProbe();
    net.initialize(3);
    Path checkpoint = tmp.resolve("checkpoint.safetensors");
    Checkpoint.write(checkpoint, net, new Sgd(net.parameters(), 0.9, 0), Map.of());
    String out = output("bench", "--model", TinyTrainProbe.class.getName(), "--batch", "16", "--steps", "3", "--peak-gflops", "1000000", "--data",
        data.toString(), "--weights", checkpoint.toString(), "--lr", "0.01");
    // 2 warm-up and 3 timed steps, but the 64 images make only 4 batches of 16.
    assertTrue(out.contains("inputs: 4 training batches of " + data + "; weights: " + checkpoint + " with its momentum; update learning rate 0.0100000")
        && out.contains("train step") && out.contains("CPU s/step (all threads)"), out);
    Path weightsOnly = tmp.resolve("weights.safetensors");
    Checkpoint.write(weightsOnly, net, null, Map.of());
    String fromWeights = output("bench", "--model", TinyTrainProbe.class.getName(), "--batch", "16", "--steps", "1", "--peak-gflops", "1000000",
        "--weights", weightsOnly.toString());
    assertTrue(fromWeights.contains("inputs: Gaussian random inputs; weights: " + weightsOnly + ", momentum 0;"), fromWeights);
  }

  private static String[] concat(String[] args, String last) {
    String[] all = Arrays.copyOf(args, args.length + 1);
    all[args.length] = last;
    return all;
  }

  /** On the CPU engine and on the CUDA engine's kernels (emulated devices): the same PyTorch vectors. */
  @ParameterizedTest
  @ValueSource(strings = {"cpu", "emulated"})
  void forwardAndGradientsMatchPyTorch(String device) throws Exception {
    Path ref = Reference.dir();
    SafeTensors refCase = SafeTensors.read(ref.resolve("mini_alexnet_case.safetensors"));
    Path input = tmp.resolve("input.safetensors");
    SafeTensors.write(input, Map.of(), List.of(refCase.get("input")));
    Path labels = tmp.resolve("labels.safetensors");
    SafeTensors.write(labels, Map.of(), List.of(refCase.get("labels")));
    Path weights = ref.resolve("mini_alexnet_weights.safetensors");

    Path logits = tmp.resolve("logits.safetensors");
    assertEquals(0, run("forward", "--model", "mini-alexnet", "--weights", weights.toString(), "--input", input.toString(), "--out", logits.toString(),
        "--device", device));
    assertTrue(Reference.relativeError(SafeTensors.read(logits).get("logits").floats(), refCase.get("logits").floats()) <= 1e-4);

    Path grads = tmp.resolve("grads.safetensors");
    assertEquals(0, run("gradients", "--model", "dev.netforge.examples.MiniAlexNet", "--weights", weights.toString(), "--input", input.toString(),
        "--labels", labels.toString(), "--out", grads.toString(), "--device", device));
    SafeTensors out = SafeTensors.read(grads);
    assertEquals(refCase.get("loss").floats()[0], out.get("loss").floats()[0], 1e-4 * refCase.get("loss").floats()[0]);
    assertEquals(List.of(4, 1, 28, 28), List.of(4, out.get("grad.input").shape()[1], out.get("grad.input").shape()[2], out.get("grad.input").shape()[3]));
    for (Parameter p : new MiniAlexNet().parameters()) {
      double e = Reference.relativeError(out.get("grad." + p.name()).floats(), refCase.get("grad." + p.name()).floats());
      assertTrue(e <= 1e-4, p.name() + ": " + e);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"cpu", "emulated"})
  void gradientsFromAGivenUpstreamGradient(String device) throws Exception {
    CompiledNetwork net = new NoSoftmaxProbe();
    net.initialize(3);
    List<Tensor> params = new ArrayList<>();
    for (Parameter p : net.parameters()) {
      params.add(Tensor.of(p.name(), p.value, p.shape()));
    }
    Path weights = tmp.resolve("w.safetensors");
    SafeTensors.write(weights, Map.of(), params);
    float[] x = new float[2 * 50];
    for (int i = 0; i < x.length; i++) {
      x[i] = (i % 7) - 3;
    }
    Path input = tmp.resolve("x.safetensors");
    SafeTensors.write(input, Map.of(), List.of(Tensor.of("input", x, 2, 2, 5, 5)));
    float[] g = {1, 0, -1, 0.5f, 2, -2};
    Path upstream = tmp.resolve("g.safetensors");
    SafeTensors.write(upstream, Map.of(), List.of(Tensor.of("grad_output", g, 2, 3)));
    Path out = tmp.resolve("out.safetensors");
    assertEquals(0, run("gradients", "--model", NoSoftmaxProbe.class.getName(), "--weights", weights.toString(), "--input", input.toString(),
        "--grad-output", upstream.toString(), "--out", out.toString(), "--device", device));
    net.forward(x, 2, false);
    float[] dx = new float[x.length];
    net.backward(g.clone(), dx);
    SafeTensors result = SafeTensors.read(out);
    assertTrue(result.has("output") && !result.has("loss"));
    // The CPU engine is this very code; the CUDA kernels sum in another order.
    double bound = device.equals("cpu") ? 0 : 1e-5;
    assertTrue(Reference.relativeError(result.get("grad.input").floats(), dx) <= bound);
    assertTrue(Reference.relativeError(result.get("grad.fc2.weight").floats(), net.parameter("fc2.weight").grad) <= bound);
  }

  /** A network ending in a feature map: the output and grad_output are [N, C, H, W] (or [N, C·H·W] flat). */
  @ParameterizedTest
  @ValueSource(strings = {"cpu", "emulated"})
  void gradientsOfAFeatureMapOutput(String device) throws Exception {
    CompiledNetwork net = new FeatureMapProbe();
    net.initialize(5);
    assertArrayEquals(new int[] {10, 5, 5}, net.outputShape());
    List<Tensor> params = new ArrayList<>();
    for (Parameter p : net.parameters()) {
      params.add(Tensor.of(p.name(), p.value, p.shape()));
    }
    Path weights = tmp.resolve("w.safetensors");
    SafeTensors.write(weights, Map.of(), params);
    int batch = 3;
    float[] x = new float[batch * net.inputSize()];
    float[] g = new float[batch * net.outputSize()];
    for (int i = 0; i < x.length; i++) {
      x[i] = (i % 11) * 0.25f - 1;
    }
    for (int i = 0; i < g.length; i++) {
      g[i] = (i % 5) - 2;
    }
    Path input = tmp.resolve("x.safetensors");
    SafeTensors.write(input, Map.of(), List.of(Tensor.of("input", x, batch, 4, 21, 21)));
    net.forward(x, batch, false);
    float[] dx = new float[x.length];
    net.backward(g.clone(), dx);
    double bound = device.equals("cpu") ? 0 : 1e-5;
    for (int[] shape : List.of(new int[] {batch, 10, 5, 5}, new int[] {batch, 250})) {
      Path upstream = tmp.resolve("g.safetensors");
      SafeTensors.write(upstream, Map.of(), List.of(Tensor.of("grad_output", g, shape)));
      Path out = tmp.resolve("out.safetensors");
      assertEquals(0, run("gradients", "--model", FeatureMapProbe.class.getName(), "--weights", weights.toString(), "--input", input.toString(),
          "--grad-output", upstream.toString(), "--out", out.toString(), "--device", device));
      SafeTensors result = SafeTensors.read(out);
      assertArrayEquals(new int[] {batch, 10, 5, 5}, result.get("output").shape());
      assertTrue(Reference.relativeError(result.get("grad.input").floats(), dx) <= bound);
      assertTrue(Reference.relativeError(result.get("grad.conv1.weight").floats(), net.parameter("conv1.weight").grad) <= bound);
    }
  }

  @Test
  void wrongInputShapeNamesTheTensor() throws Exception {
    Path input = tmp.resolve("input.safetensors");
    SafeTensors.write(input, Map.of(), List.of(Tensor.of("input", new float[2 * 3 * 28 * 28], 2, 3, 28, 28)));
    Path weights = Reference.dir().resolve("mini_alexnet_weights.safetensors");
    String err = Console.stderrOf(() -> assertEquals(1, run("forward", "--model", "mini-alexnet", "--weights", weights.toString(), "--input",
        input.toString(), "--out", tmp.resolve("o.safetensors").toString())));
    assertTrue(err.contains("input.safetensors: tensor \"input\" has shape [2, 3, 28, 28], expected [N, 1, 28, 28] for MiniAlexNet"), err);
    String unknown = Console.stderrOf(() -> assertEquals(1, run("summary", "--model", "lenet")));
    assertTrue(unknown.contains("unknown model \"lenet\""), unknown);
  }

  /** A class that is no network to run says what it is and what to pass instead (was "NoSuchMethodException: …<init>()"). */
  @ParameterizedTest
  @ValueSource(strings = {
      "dev.netforge.examples.AlexNet2012Spec|dev.netforge.examples.AlexNet2012Spec is an interface; pass the network class netforge"
          + " generates from it (named by its @Network, in the same package)",
      "dev.netforge.runtime.CompiledNetwork|dev.netforge.runtime.CompiledNetwork is abstract; pass a network class netforge generated",
      "java.lang.String|java.lang.String is not a netforge network (it does not extend CompiledNetwork)"})
  void aModelClassThatIsNoNetworkSaysWhatToPass(String caseLine) {
    String model = caseLine.substring(0, caseLine.indexOf('|'));
    String err = Console.stderrOf(() -> assertEquals(1, run("summary", "--model", model)));
    assertEquals("error: " + caseLine.substring(caseLine.indexOf('|') + 1), err.strip());
  }

  @Test
  void trainAndEvalOnAWrittenDataSet() throws Exception {
    Path data = TinyData.write(tmp.resolve("data"), 256, 64);
    Path run = tmp.resolve("run");
    assertEquals(0, run("train", "--model", TinyTrainProbe.class.getName(), "--data", data.toString(), "--epochs", "2", "--batch", "32",
        "--lr", "0.05", "--out", run.toString()));
    assertTrue(java.nio.file.Files.size(run.resolve("metrics.png")) > 1000, "a plot was drawn");
    List<String> csv = java.nio.file.Files.readAllLines(run.resolve("metrics.csv"));
    assertEquals(3, csv.size(), "header and two epochs: " + csv);
    String printed = Console.stdoutOf(() -> assertEquals(0, run("eval", "--model", TinyTrainProbe.class.getName(), "--weights",
        run.resolve("checkpoint.safetensors").toString(), "--data", data.toString())));
    assertTrue(printed.contains("top-1") && printed.contains("confusion (rows: truth, columns: predicted)"), printed);
  }

  /** A step the run never reaches is said at its start: the run otherwise ends at the initial rate without a word. */
  @Test
  void aScheduleStepPastTheRunIsNoted() throws Exception {
    Path data = TinyData.write(tmp.resolve("data"), 64, 16);
    String printed = Console.stdoutOf(() -> assertEquals(0, run("train", "--model", TinyTrainProbe.class.getName(), "--data", data.toString(),
        "--epochs", "2", "--batch", "32", "--schedule", "step:2,5,8:0.1", "--out", tmp.resolve("run").toString())));
    assertTrue(printed.contains("note: --schedule step:2,5,8:0.1 drops the rate at the start of epochs 5 and 8, past this run's 2 epochs; only a"
        + " run resumed from its checkpoint with --epochs that far makes them"), printed);
  }

  /** metrics.csv holds the epochs of this run: a resumed run adds to it, a new run in the same directory starts over. */
  @Test
  void metricsFileFollowsTheRunNotTheDirectory() throws Exception {
    Path data = TinyData.write(tmp.resolve("data"), 128, 32);
    Path run = tmp.resolve("run");
    String[] train = {"train", "--model", TinyTrainProbe.class.getName(), "--data", data.toString(), "--batch", "32", "--out", run.toString()};
    Path csv = run.resolve("metrics.csv");
    assertEquals(0, run(concat(concat(train, "--epochs"), "2")));
    Path epoch2 = tmp.resolve("epoch2.safetensors");
    java.nio.file.Files.copy(run.resolve("checkpoint.safetensors"), epoch2);
    assertEquals(0, run(concat(concat(concat(concat(train, "--epochs"), "3"), "--resume"), epoch2.toString())));
    assertEquals(List.of("1", "2", "3"), epochs(csv), "resumed at epoch 2, trained to 3");
    assertEquals(0, run(concat(concat(concat(concat(train, "--epochs"), "3"), "--resume"), epoch2.toString())));
    assertEquals(List.of("1", "2", "3"), epochs(csv), "epoch 3 again replaces the first run's epoch 3");
    assertEquals(0, run(concat(concat(train, "--epochs"), "1")));
    assertEquals(List.of("1"), epochs(csv), "a new run starts the file afresh");
  }

  private static List<String> epochs(Path csv) throws java.io.IOException {
    List<String> lines = java.nio.file.Files.readAllLines(csv);
    assertTrue(lines.get(0).startsWith("epoch,"), lines.toString());
    return lines.stream().skip(1).map(line -> line.substring(0, line.indexOf(','))).toList();
  }

  /** A numeric option no run can use is one line naming it, before any work (unchecked: "/ by zero", "-3920", a 100% top-1). */
  @ParameterizedTest
  @ValueSource(strings = {
      "train --batch 0|--batch 0: must be at least 1",
      "train --epochs 0|--epochs 0: must be at least 1",
      "train --limit -5|--limit -5: must be at least 1",
      "train --lr NaN|--lr NaN: must be a finite number at least 0",
      "train --momentum 1.5|--momentum 1.5: must be at least 0 and below 1",
      "train --weight-decay -1|--weight-decay -1.0: must be a finite number at least 0",
      "train --loader-threads 0|--loader-threads 0: must be at least 1",
      "train --threads 0|--threads 0: must be at least 1",
      "bench --batch -3|--batch -3: must be at least 1",
      "bench --steps 0|--steps 0: must be at least 1",
      "bench --peak-gflops 0|--peak-gflops 0.0: must be a finite number above 0",
      "eval --weights none --batch 0|--batch 0: must be at least 1",
      "bench-distributed --repeats 0|--repeats 0: must be at least 1"})
  void anOptionNoRunCanUseIsOneLineNamingIt(String caseLine) {
    String[] args = caseLine.substring(0, caseLine.indexOf('|')).split(" ");
    String expected = "error: " + caseLine.substring(caseLine.indexOf('|') + 1);
    String err = Console.stderrOf(() -> assertEquals(1, run(args)));
    assertEquals(expected, err.strip());
  }

  @Test
  void aRunDirectoryUnderAFileSaysWhichPartIsInTheWay() throws Exception {
    Path data = TinyData.write(tmp.resolve("data"), 64, 16);
    Path file = java.nio.file.Files.writeString(tmp.resolve("runs"), "");
    String err = Console.stderrOf(() -> assertEquals(1, run("train", "--model", TinyTrainProbe.class.getName(), "--data", data.toString(), "--out",
        file.resolve("latest").toString())));
    assertEquals("error: --out " + file.resolve("latest") + ": cannot make the run directory: " + file + " is a file, not a directory", err.strip());
  }

  @Test
  void missingDataSaysHowToGetIt() {
    String err = Console.stderrOf(() -> assertEquals(1, run("train", "--data", tmp.resolve("nowhere").toString())));
    assertTrue(err.contains("nowhere/train-images-idx3-ubyte.gz") && err.contains("pass --data DIR"), err);
  }

  @Test
  void aNetworkLargerThanTheHeapIsAnErrorThatSaysSoNotACrash() throws Exception {
    // A JVM of its own with a 64 MiB heap: AlexNet2012's 61 million parameters alone take 233 MiB.
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process process = new ProcessBuilder(java.toString(), "-Xmx64m", "-cp", System.getProperty("java.class.path"),
        Main.class.getName(), "bench", "--model", "alexnet2012", "--batch", "1", "--steps", "1", "--peak-gflops", "1")
        .redirectErrorStream(true).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(1, process.waitFor(), out);
    assertTrue(out.contains("error: out of memory: the JVM's heap (at most "), out);
    assertTrue(out.contains("-Xmx"), out);
    assertTrue(!out.contains("\tat "), "no stack trace: " + out);
  }
}
