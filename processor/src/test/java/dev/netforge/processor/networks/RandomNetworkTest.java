package dev.netforge.processor.networks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import ai.onnxruntime.OrtException;
import com.google.testing.compile.Compilation;
import dev.netforge.runtime.CompiledNetwork;
import dev.netforge.runtime.Parameter;
import dev.netforge.runtime.cuda.CudaNetwork;
import dev.netforge.runtime.cuda.Device;
import dev.netforge.runtime.cuda.EmulatedDevice;
import dev.netforge.runtime.nn.ConvShape;
import dev.netforge.runtime.nn.ConvolutionPaths;
import dev.netforge.runtime.onnx.OnnxExport;
import dev.netforge.runtime.onnx.OnnxRuntimeRun;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.stream.Collectors;
import javax.tools.Diagnostic;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every network the DSL accepts computes what its declaration says: random declarations, compiled with the processor,
 * give the float64 reference's output, loss, ∂input and every parameter gradient within 1e-4; random defective ones
 * end in a compile error on one of their annotations. Seeds 1..N run every time ({@code -Dnetforge.networks=N}, 200 by
 * default), plus one fresh seed printed for replay with {@code -Dnetforge.seed=S}. Such a run fails too if no network
 * took one of the runtime's Winograd paths (the generator's wide networks are there to reach them).
 */
class RandomNetworkTest {
  private static final int DEFAULT_NETWORKS = 200;
  private static final int INVALID_NETWORKS = 60;
  /** The tally's name for networks where an LRN or a max pooling applies the ReLU derivative of the convolution before it. */
  private static final String NEXT_STAGE_RELU_DERIVATIVE = "ReLU derivative applied by the next stage";
  /** A 5×5 convolution's input gradient as its F(3×3, 5×5) forward pass's adjoint (the runtime's WinogradInputGradient). */
  private static final String ADJOINT_INPUT_GRADIENT = "Winograd 5×5 input gradient as the adjoint";
  private static final int COMPILE_CHUNK = 40;
  private static final double TOLERANCE = 1e-4;
  /** How close (relative to its tensor's RMS) a max or a ReLU input may come to the other branch before a mismatch is put down to float32. */
  private static final double CLOSEST_CALL = 2e-5;
  /** How many draws a seed gets while each one's mismatch can be put down to a close call. */
  private static final int DRAWS = 10;
  private static final int BATCH = 2;
  /** Every this many seeds a network also runs through the CUDA engine on emulated devices (a g++ build each). */
  private static final int EMULATED_EVERY = 40;
  /** Every this many seeds a network is also exported to ONNX and run by ONNX Runtime. */
  private static final int ONNX_EVERY = 10;

  @TempDir
  Path classes;

  /** The seeds to run: one given to replay, or 1..N and a fresh one. */
  private static List<Long> seeds(int count) {
    Long replay = Long.getLong("netforge.seed");
    if (replay != null) {
      return List.of(replay);
    }
    List<Long> seeds = new ArrayList<>();
    for (long s = 1; s <= count; s++) {
      seeds.add(s);
    }
    long fresh = new Random().nextLong() & Long.MAX_VALUE;
    System.out.println("random networks: seeds 1.." + count + " and fresh seed " + fresh + " (replay one with -Dnetforge.seed=SEED)");
    seeds.add(fresh);
    return seeds;
  }

  @Test
  void validNetworksMatchTheFloat64Reference() {
    List<Long> seeds = seeds(Integer.getInteger("netforge.networks", DEFAULT_NETWORKS));
    Map<String, Integer> covered = new java.util.TreeMap<>();
    for (int from = 0; from < seeds.size(); from += COMPILE_CHUNK) {
      List<Declaration> chunk = new ArrayList<>();
      for (long seed : seeds.subList(from, Math.min(seeds.size(), from + COMPILE_CHUNK))) {
        chunk.add(new DeclarationGenerator(seed).valid("Random" + seed));
      }
      Compilation compilation = GeneratedNetworks.compile(chunk);
      if (compilation.status() != Compilation.Status.SUCCESS) {
        fail("valid declarations did not compile:\n" + describe(compilation.errors()) + "\n" + chunk);
      }
      ClassLoader loader = GeneratedNetworks.load(compilation, classes.resolve("chunk" + from));
      for (Declaration d : chunk) {
        long seed = Long.parseLong(d.name().substring("Random".length()));
        try {
          count(d, covered);
          verify(d, loader, seed, new Random(new SplittableRandom(~seed).nextLong()), covered, classes);
        } catch (AssertionError | RuntimeException e) {
          throw new AssertionError("seed " + seed + ": " + e.getMessage() + "\n" + d, e);
        }
      }
    }
    System.out.println("random networks checked: " + seeds.size() + " " + covered);
    if (seeds.size() > DEFAULT_NETWORKS) { // not a replay, nor a run of fewer seeds
      for (String path : List.of("Winograd 3×3", "Winograd 5×5", "Winograd phase planes", NEXT_STAGE_RELU_DERIVATIVE, ADJOINT_INPUT_GRADIENT)) {
        assertTrue(covered.containsKey(path), "no network took the " + path + " path: the generator no longer reaches it " + covered);
      }
    }
  }

  /** Tallies what a declaration exercises, so the printed summary shows the generator reaches every case. */
  private static void count(Declaration d, Map<String, Integer> covered) {
    List<Declaration.Op> ops = d.methods().stream().flatMap(m -> m.ops().stream()).toList();
    Float64Network.Dims out = new Float64Network(d).output();
    boolean flat = ops.stream().anyMatch(op -> op instanceof Declaration.Dense);
    Map<String, Boolean> features = Map.of(
        "two towers", d.towers() == 2,
        "feature-map output", !flat,
        "[C, 1, 1] output", !flat && out.h() == 1 && out.w() == 1,
        "softmax", d.softmax(),
        "opens without parameters", !(ops.get(0) instanceof Declaration.Conv || ops.get(0) instanceof Declaration.Dense),
        "grouped convolution", ops.stream().anyMatch(op -> op instanceof Declaration.Conv c && c.groups() > 1),
        "floor rounding", ops.stream().anyMatch(op -> op instanceof Declaration.Conv c && c.floor() || op instanceof Declaration.MaxPool p && p.floor()
            || op instanceof Declaration.AvgPool a && a.floor()),
        "average pooling", ops.stream().anyMatch(op -> op instanceof Declaration.AvgPool),
        "rectangular input", d.height() != d.width(),
        NEXT_STAGE_RELU_DERIVATIVE, nextStageAppliesAReluDerivative(d));
    features.forEach((feature, present) -> {
      if (present) {
        covered.merge(feature, 1, Integer::sum);
      }
    });
    winogradPaths(d).forEach(path -> covered.merge(path, 1, Integer::sum));
  }

  /**
   * Whether an LRN or a max pooling of {@code d} follows a convolution and the ReLU written right after it (no dropout
   * between), so that the planner has that stage's backward pass apply the ReLU's derivative.
   */
  private static boolean nextStageAppliesAReluDerivative(Declaration d) {
    List<Declaration.Op> previous = List.of();
    for (Declaration.Method m : d.methods()) {
      List<Declaration.Op> ops = m.ops();
      for (int i = 0; i < ops.size(); i++) {
        if ((ops.get(i) instanceof Declaration.Lrn || ops.get(i) instanceof Declaration.MaxPool)
            && (i >= 2 ? convolutionAndRelu(ops.get(i - 2), ops.get(i - 1)) : i == 0 && previous.size() >= 2
                && convolutionAndRelu(previous.get(previous.size() - 2), previous.get(previous.size() - 1)))) {
          return true;
        }
      }
      previous = ops;
    }
    return false;
  }

  private static boolean convolutionAndRelu(Declaration.Op first, Declaration.Op second) {
    return first instanceof Declaration.Conv && second instanceof Declaration.Relu;
  }

  /** The Winograd algorithms {@code d}'s convolutions take in the runtime, once each. */
  private static Set<String> winogradPaths(Declaration d) {
    Set<String> paths = new TreeSet<>();
    Float64Network.Dims in = new Float64Network.Dims(d.channels(), d.height(), d.width());
    for (Declaration.Op op : d.methods().stream().flatMap(m -> m.ops().stream()).toList()) {
      Float64Network.Dims out = Float64Network.outputOf(op, in);
      if (op instanceof Declaration.Conv c) {
        ConvShape s = new ConvShape(in.c(), in.h(), in.w(), out.c(), out.h(), out.w(), c.kernel(), c.stride(), c.padding(), in.c() / c.groups());
        // Convolution's tower slices: a group's filters, or a tower's share of them, whichever is fewer.
        int outCount = c.filters() / Math.max(c.groups(), d.towers());
        int k = ConvolutionPaths.winogradKernel(s, outCount);
        if (k != 0) {
          paths.add("Winograd " + k + "×" + k);
        }
        if (ConvolutionPaths.inputGradientByAdjoint(s, outCount)) {
          // Every random network asks for ∂input, so every convolution has an input gradient.
          paths.add(ADJOINT_INPUT_GRADIENT);
        }
        if (ConvolutionPaths.overPhasePlanes(s, outCount)) {
          paths.add("Winograd phase planes");
        }
      }
      in = out;
    }
    return paths;
  }

  @Test
  void invalidNetworksEndInACompileErrorOnAnAnnotation() {
    for (long seed = 1; seed <= INVALID_NETWORKS; seed++) {
      Declaration d = new DeclarationGenerator(seed).invalid("Broken" + seed);
      Compilation compilation = GeneratedNetworks.compile(List.of(d));
      assertEquals(Compilation.Status.FAILURE, compilation.status(), "seed " + seed + " compiled:\n" + d);
      List<String> lines = d.source();
      for (Diagnostic<? extends JavaFileObject> e : compilation.errors()) {
        String message = e.getMessage(null);
        assertTrue(!message.contains("please report") && !message.contains("Exception"), "seed " + seed + ": " + message + "\n" + d);
        long line = e.getLineNumber();
        assertTrue(line >= 1 && line <= lines.size() && lines.get((int) line - 1).trim().startsWith("@"),
            "seed " + seed + ": error not on an annotation (line " + line + "): " + message + "\n" + d);
      }
    }
  }

  private static CompiledNetwork instantiate(ClassLoader loader, Declaration d) {
    try {
      return (CompiledNetwork) loader.loadClass(d.className()).getDeclaredConstructor().newInstance();
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot load " + d.className(), e);
    }
  }

  /**
   * What the backward pass started from (labels for a softmax output, else ∂loss/∂output), and the float64 reference's
   * output, ∂input and parameter gradients for that pass.
   */
  private record Upstream(
      float[] input, int[] labels, float[] gradOutput, double[] expectedOutput, double[] expectedInputGradient, Map<String, double[]> expectedGradients) {}

  /**
   * Draws weights and inputs and compares every engine the seed asks for with the reference. A draw in which a max or a
   * ReLU came closer to its other branch than float32 can resolve is compared too, but a mismatch there may be float32
   * rounding choosing that branch: such a draw is redrawn (up to {@link #DRAWS} times). A mismatch in a draw without a
   * close call fails at once.
   */
  private static void verify(Declaration d, ClassLoader loader, long seed, Random random, Map<String, Integer> covered, Path scratch) {
    CompiledNetwork net = instantiate(loader, d);
    Float64Network reference = new Float64Network(d);
    checkShapes(d, net, reference);
    boolean emulated = seed % EMULATED_EVERY == 0;
    boolean onnx = seed % ONNX_EVERY == 0;
    AssertionError closeCallMismatch = null;
    for (int draw = 0; draw < DRAWS; draw++) {
      Drawn drawn = draw(net, reference, random);
      boolean closeCall = drawn.pass().closestCall() < CLOSEST_CALL;
      try {
        Upstream upstream = check(d, net, reference, drawn, random);
        if (emulated) {
          compareWithEmulatedCuda(instantiate(loader, d), net, upstream);
        }
        if (onnx) {
          compareWithOnnxRuntime(net, upstream, scratch.resolve(d.name() + ".onnx"));
        }
      } catch (AssertionError e) {
        if (!closeCall) {
          throw e;
        }
        closeCallMismatch = e;
        covered.merge("redrawn after a close call's mismatch", 1, Integer::sum);
        continue;
      }
      if (closeCall) {
        covered.merge("passed despite a close call", 1, Integer::sum);
      }
      if (emulated) {
        covered.merge("also on emulated CUDA", 1, Integer::sum);
      }
      if (onnx) {
        covered.merge("also exported to ONNX Runtime", 1, Integer::sum);
      }
      return;
    }
    throw new AssertionError("all " + DRAWS + " draws held a max or ReLU too close to call in float32, and each mismatched; the last: "
        + closeCallMismatch.getMessage(), closeCallMismatch);
  }

  /** One draw's input and its pass through the reference. */
  private record Drawn(float[] input, Float64Network.Pass pass) {}

  /** Fresh random weights (He-scaled, biases 0.1) and inputs, set into {@code net} and passed through the reference. */
  private static Drawn draw(CompiledNetwork net, Float64Network reference, Random random) {
    Map<String, double[]> parameters = new HashMap<>();
    for (Parameter p : net.parameters()) {
      double scale = p.isBias() ? 0.1 : Math.sqrt(2.0 / p.fanIn());
      for (int i = 0; i < p.size(); i++) {
        p.value[i] = (float) (scale * random.nextGaussian());
      }
      parameters.put(p.name(), widen(p.value));
    }
    float[] input = new float[BATCH * net.inputSize()];
    for (int i = 0; i < input.length; i++) {
      input[i] = (float) random.nextGaussian();
    }
    return new Drawn(input, reference.new Pass(widen(input), BATCH, parameters));
  }

  /** The output shape and every parameter's name and shape against the reference's: once a seed, whatever is drawn. */
  private static void checkShapes(Declaration d, CompiledNetwork net, Float64Network reference) {
    Float64Network.Dims out = reference.output();
    boolean flat = d.methods().stream().flatMap(m -> m.ops().stream()).anyMatch(op -> op instanceof Declaration.Dense);
    assertArrayEquals(flat ? new int[] {out.c()} : new int[] {out.c(), out.h(), out.w()}, net.outputShape(), "output shape");
    Map<String, int[]> shapes = reference.parameterShapes();
    assertEquals(List.copyOf(shapes.keySet()), net.parameters().stream().map(Parameter::name).toList(), "parameter names");
    for (Parameter p : net.parameters()) {
      assertArrayEquals(shapes.get(p.name()), p.shape(), p.name());
    }
  }

  /** The drawn pass through {@code net}: output, loss, ∂input and every parameter gradient against the reference's. */
  private static Upstream check(Declaration d, CompiledNetwork net, Float64Network reference, Drawn drawn, Random random) {
    float[] input = drawn.input();
    Float64Network.Pass pass = drawn.pass();
    float[] output = net.forward(input, BATCH, false).clone();
    assertClose("output", output, pass.output());

    double[] gradOutput = new double[pass.output().length];
    float[] inputGradient = new float[input.length];
    AnnouncedGradients announced = new AnnouncedGradients(net);
    int[] labels = null;
    float[] g = null;
    if (d.softmax()) {
      int classes = reference.output().c();
      labels = new int[BATCH];
      double expectedLoss = 0;
      for (int n = 0; n < BATCH; n++) {
        labels[n] = random.nextInt(classes);
        expectedLoss += softmaxCrossEntropy(pass.output(), n, classes, labels[n], gradOutput) / BATCH;
      }
      double loss = net.backward(labels, inputGradient);
      assertEquals(expectedLoss, loss, TOLERANCE * Math.abs(expectedLoss), "loss");
    } else {
      g = new float[gradOutput.length];
      for (int i = 0; i < g.length; i++) {
        g[i] = (float) random.nextGaussian();
        gradOutput[i] = g[i];
      }
      net.backward(g, inputGradient);
    }
    announced.assertCoversEveryParameterAsFinal(net);
    Map<String, double[]> gradients = new HashMap<>();
    double[] expectedInputGradient = pass.backward(gradOutput, gradients);
    assertClose("∂input", inputGradient, expectedInputGradient);
    for (Parameter p : net.parameters()) {
      assertClose("∂" + p.name(), p.grad, gradients.get(p.name()));
    }
    return new Upstream(input, labels, g, pass.output(), expectedInputGradient, gradients);
  }

  /** The network exported to ONNX (logits, no softmax) and run by ONNX Runtime: the CPU engine's forward output. */
  private static void compareWithOnnxRuntime(CompiledNetwork net, Upstream upstream, Path model) {
    try {
      OnnxExport.writeLogits(net, model);
      int[] in = net.inputShape();
      OnnxRuntimeRun run = OnnxRuntimeRun.of(model, upstream.input(), BATCH, in[0], in[1], in[2]);
      assertArrayEquals(Arrays.stream(net.batchOutputShape(BATCH)).asLongStream().toArray(), run.shape(), "ONNX output shape");
      assertClose("ONNX Runtime output", run.values(), widen(net.forward(upstream.input(), BATCH, false)));
    } catch (IOException | OrtException e) {
      throw new AssertionError("ONNX export or run failed: " + e, e);
    }
  }

  /**
   * The same pass through the generated kernels on emulated devices, one per tower: the float64 reference's results,
   * as the CPU engine's are held to. (Held to the CPU engine's float32 results instead, two roundings each within
   * 1e-4 of the reference could differ by more: seed 3040's ∂layer0.weight did, by 1.09e-4.)
   */
  private static void compareWithEmulatedCuda(CompiledNetwork host, CompiledNetwork cpu, Upstream upstream) {
    for (Parameter p : cpu.parameters()) {
      System.arraycopy(p.value, 0, host.parameter(p.name()).value, 0, p.size());
    }
    List<Device> devices = List.of(new EmulatedDevice(0), new EmulatedDevice(1));
    try (CudaNetwork cuda = CudaNetwork.of(host, devices.subList(0, host.towers()))) {
      cuda.pushParameters(name -> null);
      assertClose("emulated CUDA output", cuda.forward(upstream.input(), BATCH, false), upstream.expectedOutput());
      if (upstream.labels() != null) {
        cuda.backward(upstream.labels());
      } else {
        cuda.backward(upstream.gradOutput());
      }
      float[] inputGradient = new float[upstream.input().length];
      cuda.inputGradient(inputGradient);
      assertClose("emulated CUDA ∂input", inputGradient, upstream.expectedInputGradient());
      cuda.pullParameters(name -> null);
    } finally {
      devices.forEach(Device::close);
    }
    for (Parameter p : cpu.parameters()) {
      assertClose("emulated CUDA ∂" + p.name(), host.parameter(p.name()).grad, upstream.expectedGradients().get(p.name()));
    }
  }

  /** Example {@code n}'s cross-entropy; writes (softmax − onehot)/batch into {@code grad}. */
  private static double softmaxCrossEntropy(double[] logits, int n, int classes, int label, double[] grad) {
    double max = Double.NEGATIVE_INFINITY;
    for (int c = 0; c < classes; c++) {
      max = Math.max(max, logits[n * classes + c]);
    }
    double sum = 0;
    for (int c = 0; c < classes; c++) {
      sum += Math.exp(logits[n * classes + c] - max);
    }
    for (int c = 0; c < classes; c++) {
      grad[n * classes + c] = (Math.exp(logits[n * classes + c] - max) / sum - (c == label ? 1 : 0)) / BATCH;
    }
    return Math.log(sum) + max - logits[n * classes + label];
  }

  /** ‖actual − expected‖ ≤ 1e-4 ‖expected‖ (an all-zero expectation must be met within 1e-6). */
  static void assertClose(String what, float[] actual, double[] expected) {
    assertEquals(expected.length, Math.min(actual.length, expected.length), what + " length");
    double diff = 0;
    double norm = 0;
    for (int i = 0; i < expected.length; i++) {
      diff += (actual[i] - expected[i]) * (actual[i] - expected[i]);
      norm += expected[i] * expected[i];
    }
    double error = Math.sqrt(diff) / Math.max(Math.sqrt(norm), 1e-2);
    assertTrue(error <= TOLERANCE, what + ": relative error " + error + " (‖expected‖ = " + Math.sqrt(norm) + ")");
  }

  private static double[] widen(float[] v) {
    double[] d = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      d[i] = v[i];
    }
    return d;
  }

  private static String describe(List<Diagnostic<? extends JavaFileObject>> errors) {
    return errors.stream().map(e -> e.getSource().getName() + ":" + e.getLineNumber() + ": " + e.getMessage(null)).collect(Collectors.joining("\n"));
  }
}
