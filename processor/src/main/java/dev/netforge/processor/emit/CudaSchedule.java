package dev.netforge.processor.emit;

import dev.netforge.processor.model.Shape;
import dev.netforge.processor.plan.ParameterPlan;
import dev.netforge.processor.plan.Plan;
import dev.netforge.processor.plan.Stage;
import dev.netforge.processor.plan.TowerSlice;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The CUDA engine's view of a plan, shared by the {@code .cu} and launcher emitters: the kernels each tower runs
 * (their constants, parameters and grids), every buffer a tower holds, and the steps of the forward, backward and
 * update passes in order, exchanges included.
 *
 * <p>Each tower keeps every activation at full size (all towers' channels) so that an exchange copies a slice to
 * the same place on the receiving tower; a tower computes only its own channels. The one exchange the CPU plan does
 * not name is the last layer's output: it is all-gathered so that every tower holds the logits and computes the
 * softmax gradient itself.
 */
public final class CudaSchedule {
  /** Threads per block of every kernel (the GEMM tile's 16 × 16 and the element-wise kernels alike). */
  static final int BLOCK = 256;

  static final int TILE = 64;

  /** A kernel parameter: its C type and name. */
  record Param(String type, String name) {}

  /**
   * One generated kernel.
   *
   * @param struct the constants struct the body instantiates its template with, or empty
   * @param body the call into the kernel library
   * @param barriers whether it synchronizes its block's threads (the host emulator then runs them as fibers)
   */
  record Kernel(String name, String doc, String struct, List<Param> params, String body, boolean barriers) {
    Kernel {
      params = List.copyOf(params);
    }
  }

  /** A per-tower device buffer of {@code fixed + perImage·batch} elements. */
  record Buffer(String constant, String doc, long fixed, long perImage, boolean ints) {}

  /** A step of a pass, for the launcher. */
  sealed interface Step {}

  /**
   * A kernel launch on one tower; grid sizes and arguments are Java expressions.
   *
   * @param comment why, in the generated source
   */
  record Launch(String comment, String kernel, int tower, String gridX, String gridY, String gridZ, List<String> args)
      implements Step {}

  /** All-gather of a tower-split activation before a layer that reads every tower's channels. */
  record Gather(String comment, String buffer, long perImage) implements Step {}

  /** Reduce of the partial input gradients onto the tower that owns each slice, through the staging buffer. */
  record Reduce(String comment, String buffer, long perImage) implements Step {}

  /** Host-drawn dropout mask (the CPU engine's generator, so both engines drop the same units), sent to every tower. */
  record DrawMask(String buffer, long perImage, double rate) implements Step {}

  /** The update of one parameter's slice on one tower. */
  record Update(String parameter, int tower, long start, long count) implements Step {}

  /** Where a parameter lives on each tower, and which part of it that tower trains. */
  record ParameterSlices(String name, String value, long size, long[] start, long[] count) {}

  final Plan plan;
  final StageNames names;
  final List<Kernel> kernels = new ArrayList<>();
  final List<Buffer> buffers = new ArrayList<>();
  final List<Step> forward = new ArrayList<>();
  final List<Step> backward = new ArrayList<>();
  final List<Step> update = new ArrayList<>();
  final List<ParameterSlices> parameters = new ArrayList<>();
  /** The first layer's input-gradient launches, run only when the caller asks for ∂loss/∂input. */
  final List<Step> inputGradient = new ArrayList<>();
  final String outputBuffer;
  final long exchangeBytesPerImage;

  public CudaSchedule(Plan plan) {
    this.plan = plan;
    this.names = new StageNames(plan);
    buffers.add(new Buffer("INPUT", "the input batch, on every tower", 0, plan.input().size(), false));
    buffers.add(new Buffer("INPUT_GRAD", "this tower's part of ∂loss/∂input", 0, plan.input().size(), false));
    for (ParameterPlan p : plan.parameters()) {
      String c = constant(p.name());
      buffers.add(new Buffer(c, "{@code " + p.name() + "} " + p.shape(), p.size(), 0, false));
      buffers.add(new Buffer(c + "_GRAD", "∂loss/∂" + p.name(), p.size(), 0, false));
      buffers.add(new Buffer(c + "_VELOCITY", "momentum of " + p.name(), p.size(), 0, false));
    }
    long staging = 0;
    long exchanged = 0;
    for (int i = 0; i < plan.stages().size(); i++) {
      Stage s = plan.stages().get(i);
      String out = names.constant(i);
      buffers.add(new Buffer(out, "output of " + names.of(i) + ", " + s.out(), 0, s.out().size(), false));
      buffers.add(new Buffer(out + "_GRAD", "∂loss/∂" + names.of(i), 0, s.out().size(), false));
      if (hasMask(s)) {
        buffers.add(new Buffer(out + "_MASK", "dropout multipliers of " + names.of(i), 0, s.out().size(), false));
      }
      if (s instanceof Stage.Lrn) {
        buffers.add(new Buffer(out + "_SCALE", "LRN denominators of " + names.of(i), 0, s.out().size(), false));
      }
      if (s instanceof Stage.MaxPool) {
        buffers.add(new Buffer(out + "_ARGMAX", "arg-max of " + names.of(i) + " in its input plane", 0, s.out().size(), true));
      }
      if (s instanceof Stage.Parametric p && p.exchange() != null) {
        staging = Math.max(staging, p.in().size() / plan.towers());
        exchanged += 2 * p.exchange().bytesPerImage();
      }
    }
    outputBuffer = names.constant(plan.stages().size() - 1);
    if (plan.towers() > 1) {
      staging = Math.max(staging, 1);
      exchanged += plan.output().size() * (plan.towers() - 1) * Float.BYTES;
    }
    exchangeBytesPerImage = exchanged;
    buffers.add(new Buffer("STAGING", "received slices of an exchange's input gradient", 0, staging, false));
    buffers.add(new Buffer("LABELS", "labels of the batch", 0, 1, true));
    buffers.add(new Buffer("LOSSES", "per-example losses", 0, 1, false));
    for (int i = 0; i < plan.stages().size(); i++) {
      addStage(i);
    }
    if (plan.towers() > 1) {
      forward.add(new Gather("every tower needs all logits for the softmax", outputBuffer, plan.output().size()));
    }
    if (plan.softmax()) {
      kernels.add(
          new Kernel(
              "softmax_xent",
              "Softmax cross-entropy over the gathered logits, one thread per example: per-example loss and (softmax − onehot)/batch.",
              "",
              List.of(param("const float*", "logits"), param("const int*", "labels"), param("float*", "grad"), param("float*", "loss"), param("int", "batch")),
              "netforge::softmax_cross_entropy<" + plan.output().size() + ">(logits, labels, grad, loss, batch);",
              false));
    }
  }

  static boolean hasMask(Stage s) {
    return s instanceof Stage.Dropout || (s instanceof Stage.Parametric p && p.dropout() > 0);
  }

  static String constant(String name) {
    return name.replaceAll("([a-z0-9])([A-Z])", "$1_$2").replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT);
  }

  private static Param param(String type, String name) {
    return new Param(type, name);
  }

  private String inputOf(int i) {
    return i == 0 ? "INPUT" : names.constant(i - 1);
  }

  private String gradInputOf(int i) {
    return i == 0 ? "INPUT_GRAD" : names.constant(i - 1) + "_GRAD";
  }

  private static String at(int tower, String buffer) {
    return "at(" + tower + ", " + buffer + ")";
  }

  private static String ceil(long n, long d) {
    return Long.toString((n + d - 1) / d);
  }

  private static String elementBlocks(long perImage) {
    return "blocks(batch, " + perImage + ")";
  }

  private void addStage(int i) {
    Stage s = plan.stages().get(i);
    String n = names.of(i);
    String out = names.constant(i);
    int towers = plan.towers();
    List<Step> backwardOfStage = new ArrayList<>();
    if (s instanceof Stage.Parametric p) {
      if (p.exchange() != null) {
        forward.add(new Gather(n + " reads every tower's channels", inputOf(i), p.in().size()));
      }
      if (hasMask(s)) {
        forward.add(new DrawMask(out + "_MASK", s.out().size(), p.dropout()));
      }
      String weight = constant(p.paramPrefix() + ".weight");
      String bias = constant(p.paramPrefix() + ".bias");
      long[] start = new long[towers];
      long[] count = new long[towers];
      // The first parametric layer's ∂input runs only when the caller asks for ∂loss/∂input, before the stages ahead of it.
      List<Step> firstLayerData = new ArrayList<>();
      for (int t = 0; t < towers; t++) {
        List<TowerSlice> slices = slicesOf(p, t);
        int first = slices.get(0).outStart();
        int slice = slices.get(0).outCount();
        int runs = slices.size();
        start[t] = first;
        count[t] = (long) slice * runs;
        String struct = n + "_t" + t;
        String constants = parametricConstants(p, first, slice, runs);
        // Backward reads the mask only after a training pass: at test time dropout was the identity.
        String towerMask = p.dropout() > 0 ? "training ? " + at(t, out + "_MASK") + " : 0L" : "0L";
        String what = "tower " + t + ": " + (p.dense() ? "units " : "filters ") + first + "–" + (first + slice * runs - 1);
        if (p.dense()) {
          kernels.add(kernel(n + "_forward_t" + t, "Forward of " + n + ", " + what + ": " + Docs.operation(s) + ".", struct, constants,
              List.of(param("const float*", "x"), param("const float*", "w"), param("const float*", "bias"), param("const float*", "mask"), param("float*", "y"), param("int", "batch")),
              "netforge::dense_forward<" + struct + ">(x, w, bias, mask, y, batch);", true));
          forward.add(new Launch(n + ", " + what, n + "_forward_t" + t, t, "tiles(batch)", ceil(count[t], TILE), "1",
              List.of(at(t, inputOf(i)), at(t, weight), at(t, bias), towerMask, at(t, out), "batch")));
        } else {
          kernels.add(kernel(n + "_forward_t" + t, "Forward of " + n + ", " + what + ": " + Docs.operation(s) + ", as an implicit GEMM.", struct, constants,
              List.of(param("const float*", "x"), param("const float*", "w"), param("const float*", "bias"), param("const float*", "mask"), param("float*", "y")),
              "netforge::conv_forward<" + struct + ">(x, w, bias, mask, y);", true));
          forward.add(new Launch(n + ", " + what, n + "_forward_t" + t, t, ceil((long) p.out().height() * p.out().width(), TILE),
              Long.toString(runs * ((slice + TILE - 1) / TILE)), "batch",
              List.of(at(t, inputOf(i)), at(t, weight), at(t, bias), towerMask, at(t, out))));
        }
        kernels.add(new Kernel(n + "_bias_backward_t" + t,
            "∂output of " + n + " (" + what + ") becomes ∂pre-activation in place (ReLU derivative, dropout mask); its sum is ∂bias.",
            "", List.of(param("const float*", "y"), param("const float*", "mask"), param("float*", "dy"), param("float*", "dbias"), param("int", "batch")),
            "netforge::bias_backward<" + struct + ">(y, mask, dy, dbias, batch);", true));
        backwardOfStage.add(new Launch(n + " ∂bias, " + what, n + "_bias_backward_t" + t, t, Long.toString(count[t]), "1", "1",
            List.of(at(t, out), towerMask, at(t, out + "_GRAD"), at(t, bias + "_GRAD"), "batch")));
        String family = p.dense() ? "dense" : "conv";
        kernels.add(new Kernel(n + "_weight_backward_t" + t, "∂weight of " + n + ", " + what + ".", "",
            List.of(param("const float*", "x"), param("const float*", "dz"), param("float*", "dw"), param("int", "batch")),
            "netforge::" + family + "_backward_weight<" + struct + ">(x, dz, dw, batch);", true));
        long fanIn = p.fanIn();
        backwardOfStage.add(new Launch(n + " ∂weight", n + "_weight_backward_t" + t, t, ceil(fanIn, TILE),
            Long.toString(p.dense() ? (count[t] + TILE - 1) / TILE : runs * ((slice + TILE - 1) / TILE)), "1",
            List.of(at(t, inputOf(i)), at(t, out + "_GRAD"), at(t, weight + "_GRAD"), "batch")));
        Launch data;
        if (p.dense()) {
          kernels.add(new Kernel(n + "_data_backward_t" + t, "∂input of " + n + " from " + what + " (its partial sum when the input is shared).", "",
              List.of(param("const float*", "w"), param("const float*", "dz"), param("float*", "dx"), param("int", "batch")),
              "netforge::dense_backward_data<" + struct + ">(w, dz, dx, batch);", true));
          data = new Launch(n + " ∂input", n + "_data_backward_t" + t, t, "tiles(batch)", ceil(p.in().size(), TILE), "1",
              List.of(at(t, weight), at(t, out + "_GRAD"), at(t, gradInputOf(i)), "batch"));
        } else {
          kernels.add(new Kernel(n + "_data_backward_t" + t, "∂input of " + n + " from " + what + " (its partial sum when the input is shared), without im2col.", "",
              List.of(param("const float*", "w"), param("const float*", "dz"), param("float*", "dx")),
              "netforge::conv_backward_data<" + struct + ">(w, dz, dx);", true));
          data = new Launch(n + " ∂input", n + "_data_backward_t" + t, t, ceil((long) p.in().height() * p.in().width(), TILE),
              Long.toString(runs * ((p.groupInputs() + TILE - 1) / TILE)), "batch",
              List.of(at(t, weight), at(t, out + "_GRAD"), at(t, gradInputOf(i))));
        }
        (i == plan.firstParametric() ? firstLayerData : backwardOfStage).add(data);
        long fan = p.dense() ? p.in().size() : fanIn;
        update.add(new Update(weight, t, first * fan, count[t] * fan));
        update.add(new Update(bias, t, first, count[t]));
      }
      long fan = p.dense() ? p.in().size() : p.fanIn();
      long[] weightStart = new long[towers];
      long[] weightCount = new long[towers];
      for (int t = 0; t < towers; t++) {
        weightStart[t] = start[t] * fan;
        weightCount[t] = count[t] * fan;
      }
      inputGradient.addAll(0, firstLayerData);
      parameters.add(new ParameterSlices(p.paramPrefix() + ".weight", weight, p.weightCount(), weightStart, weightCount));
      parameters.add(new ParameterSlices(p.paramPrefix() + ".bias", bias, p.out().channels(), start, count));
      if (p.exchange() != null) {
        backwardOfStage.add(new Reduce("partial ∂input of " + n + " summed on the tower that owns each slice", gradInputOf(i), p.in().size()));
      }
    } else {
      if (hasMask(s)) {
        forward.add(new DrawMask(out + "_MASK", s.out().size(), ((Stage.Dropout) s).rate()));
      }
      // Before the first parametric layer every tower holds the whole input and computes all of its channels.
      int split = i < plan.firstParametric() ? 1 : towers;
      for (int t = 0; t < towers; t++) {
        String struct = n + "_t" + t;
        String what = n + ", tower " + t;
        Shape shape = s.out();
        int perTower = shape.channels() / split;
        long plane = (long) shape.height() * shape.width();
        String common = "  static constexpr int CHANNELS = " + shape.channels() + ", FIRST = " + (split == 1 ? 0 : t * perTower) + ", COUNT = "
            + perTower + ", PLANE = " + plane + ";\n";
        String blocks = elementBlocks(perTower * plane);
        String in = at(t, inputOf(i));
        String y = at(t, out);
        String dy = at(t, out + "_GRAD");
        String dx = at(t, gradInputOf(i));
        if (s instanceof Stage.Lrn l) {
          String constants = common + "  static constexpr int SIZE = " + l.size() + ";\n  static constexpr float ALPHA = " + floatLiteral(l.alpha())
              + ", BETA = " + floatLiteral(l.beta()) + ", K = " + floatLiteral(l.k()) + ";\n";
          String scale = at(t, out + "_SCALE");
          kernels.add(kernel(n + "_forward_t" + t, "Forward of " + what + ": " + Docs.operation(s) + ".", struct, constants,
              List.of(param("const float*", "a"), param("float*", "b"), param("float*", "scale"), param("int", "batch")),
              "netforge::lrn_forward<" + struct + ">(a, b, scale, batch);", false));
          forward.add(new Launch(what, n + "_forward_t" + t, t, blocks, "1", "1", List.of(in, y, scale, "batch")));
          kernels.add(new Kernel(n + "_backward_t" + t, "Backward of " + what + ".", "",
              List.of(param("const float*", "a"), param("const float*", "b"), param("const float*", "scale"), param("const float*", "g"), param("float*", "da"), param("int", "batch")),
              "netforge::lrn_backward<" + struct + ">(a, b, scale, g, da, batch);", false));
          backwardOfStage.add(new Launch(what, n + "_backward_t" + t, t, blocks, "1", "1", List.of(in, y, scale, dy, dx, "batch")));
        } else if (s instanceof Stage.MaxPool m) {
          String constants = common + "  static constexpr int IN_PLANE = " + (long) m.in().height() * m.in().width() + ", IN_W = " + m.in().width()
              + ", OUT_H = " + m.out().height() + ", OUT_W = " + m.out().width() + ", KERNEL = " + m.kernel() + ", STRIDE = " + m.stride() + ";\n";
          String argmax = at(t, out + "_ARGMAX");
          kernels.add(kernel(n + "_forward_t" + t, "Forward of " + what + ": " + Docs.operation(s) + ", keeping the arg-max.", struct, constants,
              List.of(param("const float*", "x"), param("float*", "y"), param("int*", "argmax"), param("int", "batch")),
              "netforge::max_pool_forward<" + struct + ">(x, y, argmax, batch);", false));
          forward.add(new Launch(what, n + "_forward_t" + t, t, blocks, "1", "1", List.of(in, y, argmax, "batch")));
          kernels.add(new Kernel(n + "_backward_t" + t, "Backward of " + what + ": each input sums the windows that chose it.", "",
              List.of(param("const float*", "dy"), param("const int*", "argmax"), param("float*", "dx"), param("int", "batch")),
              "netforge::max_pool_backward<" + struct + ">(dy, argmax, dx, batch);", false));
          backwardOfStage.add(new Launch(what, n + "_backward_t" + t, t,
              elementBlocks(perTower * (long) m.in().height() * m.in().width()), "1", "1", List.of(dy, argmax, dx, "batch")));
        } else if (s instanceof Stage.Relu) {
          kernels.add(kernel(n + "_forward_t" + t, "Forward of " + what + ": ReLU.", struct, common,
              List.of(param("const float*", "x"), param("float*", "y"), param("int", "batch")),
              "netforge::relu_forward<" + struct + ">(x, y, batch);", false));
          forward.add(new Launch(what, n + "_forward_t" + t, t, blocks, "1", "1", List.of(in, y, "batch")));
          kernels.add(new Kernel(n + "_backward_t" + t, "Backward of " + what + ".", "",
              List.of(param("const float*", "y"), param("const float*", "dy"), param("float*", "dx"), param("int", "batch")),
              "netforge::relu_backward<" + struct + ">(y, dy, dx, batch);", false));
          backwardOfStage.add(new Launch(what, n + "_backward_t" + t, t, blocks, "1", "1", List.of(y, dy, dx, "batch")));
        } else {
          String mask = at(t, out + "_MASK");
          kernels.add(kernel(n + "_forward_t" + t, "Forward of " + what + ": " + Docs.operation(s) + ".", struct, common,
              List.of(param("const float*", "x"), param("const float*", "mask"), param("float*", "y"), param("int", "batch")),
              "netforge::dropout_forward<" + struct + ">(x, mask, y, batch);", false));
          forward.add(new Launch(what, n + "_forward_t" + t, t, blocks, "1", "1", List.of(in, "training ? " + mask + " : 0L", y, "batch")));
          kernels.add(new Kernel(n + "_backward_t" + t, "Backward of " + what + ".", "",
              List.of(param("const float*", "mask"), param("const float*", "dy"), param("float*", "dx"), param("int", "batch")),
              "netforge::dropout_backward<" + struct + ">(mask, dy, dx, batch);", false));
          backwardOfStage.add(new Launch(what, n + "_backward_t" + t, t, blocks, "1", "1", List.of("training ? " + mask + " : 0L", dy, dx, "batch")));
        }
      }
    }
    // Stages before the first parametric layer only make ∂loss/∂input, which runs when the caller asks for it.
    (i < plan.firstParametric() ? inputGradient : backward).addAll(0, backwardOfStage);
  }

  /** The kernel that also declares the constants struct (the first kernel of a stage and tower). */
  private static Kernel kernel(String name, String doc, String struct, String constants, List<Param> params, String body, boolean barriers) {
    return new Kernel(name, doc, "struct " + struct + " {\n" + constants + "};\n", params, body, barriers);
  }

  private static List<TowerSlice> slicesOf(Stage.Parametric p, int tower) {
    List<TowerSlice> result = new ArrayList<>();
    for (TowerSlice s : p.slices()) {
      if (s.tower() == tower) {
        result.add(s);
      }
    }
    return result;
  }

  private String parametricConstants(Stage.Parametric p, int first, int slice, int runs) {
    StringBuilder b = new StringBuilder();
    if (p.dense()) {
      b.append("  static constexpr int IN = ").append(p.in().size()).append(", OUT_C = ").append(p.out().channels())
          .append(", OUT_H = 1, OUT_W = 1;\n");
    } else {
      b.append("  static constexpr int IN_C = ").append(p.in().channels()).append(", IN_H = ").append(p.in().height())
          .append(", IN_W = ").append(p.in().width()).append(";\n");
      b.append("  static constexpr int OUT_C = ").append(p.out().channels()).append(", OUT_H = ").append(p.out().height())
          .append(", OUT_W = ").append(p.out().width()).append(";\n");
      b.append("  static constexpr int KERNEL = ").append(p.kernel()).append(", STRIDE = ").append(p.stride())
          .append(", PAD = ").append(p.padding()).append(";\n");
      b.append("  static constexpr int GROUP_IN = ").append(p.groupInputs()).append(", GROUP_OUT = ")
          .append(p.out().channels() / p.groups()).append(";\n");
    }
    b.append("  static constexpr int FIRST = ").append(first).append(", SLICE = ").append(slice).append(", SLICES = ").append(runs)
        .append(";\n");
    b.append("  static constexpr bool RELU = ").append(p.relu()).append(";\n");
    return b.toString();
  }

  private static String floatLiteral(double v) {
    String s = Float.toString((float) v);
    return (s.contains("E") ? s.replace("E", "e") : s) + "f";
  }
}
