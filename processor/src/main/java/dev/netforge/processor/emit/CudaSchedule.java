package dev.netforge.processor.emit;

import dev.netforge.processor.model.Shape;
import dev.netforge.processor.plan.Argument;
import dev.netforge.processor.plan.KernelPlan;
import dev.netforge.processor.plan.ParameterPlan;
import dev.netforge.processor.plan.Parametric;
import dev.netforge.processor.plan.Plan;
import dev.netforge.processor.plan.Schedule;
import dev.netforge.processor.plan.Stage;
import dev.netforge.processor.plan.StageNames;
import dev.netforge.processor.plan.TowerSlice;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The CUDA engine's view of a plan, shared by the {@code .cu} and launcher emitters: the kernels each tower runs
 * (their constants, parameters and grids), every buffer a tower holds, and the steps of the forward, backward and
 * update passes in order, exchanges included.
 *
 * <p>Each tower keeps every activation at full size (all towers' channels) so that an exchange copies a slice to
 * the same place on the receiving tower; a tower computes only its own channels. The passes are the lowered
 * schedule's steps ({@link Schedule#forward}, {@link Schedule#backward}) in its order, each stage's launches where its
 * region runs: the gathers, sums of gradient copies and mask draws are the schedule's, none is decided here.
 */
public final class CudaSchedule {
  /** Threads per block of every element-wise kernel, from the kernel library. */
  static final int BLOCK = KernelLibrary.get().constant("EW_THREADS");

  /** Rows and columns of a GEMM block's output tile, from the kernel library. */
  static final int TILE = KernelLibrary.get().constant("TILE");

  /** Blocks a weight gradient should have to fill a GPU: twice the 132 SMs of an H100 or H200. */
  static final int WEIGHT_BLOCKS = 2 * 132;

  /** The most chunks a weight gradient's batch is split into, which bounds the partial copies' memory. */
  static final int MAX_WEIGHT_CHUNKS = 64;

  /** The launcher's expression for the GEMM tiles that cover the batch. */
  private static final String BATCH_TILES = "(batch + " + (TILE - 1) + ") / " + TILE;

  /**
   * One generated kernel: the one entry its declaration in the {@code .cu} (a call of one library template, whose
   * parameters it takes as its own) and its launch in a pass are both printed from, so that its name, parameters,
   * arguments and grid are each written once.
   *
   * @param struct the constants struct it instantiates the template with, declared before it, or empty
   * @param template the library function it calls
   * @param templateArgument what it instantiates the template with: the struct's name, or a size
   * @param launch how a pass launches it, or {@code null} for a kernel the runtime launches itself (softmax cross-entropy)
   */
  record Kernel(String name, String doc, String struct, String template, String templateArgument, Launch launch) implements Step {
    /** A kernel the generated passes do not launch. */
    Kernel(String name, String doc, String struct, String template, String templateArgument) {
      this(name, doc, struct, template, templateArgument, null);
    }

    /**
     * This kernel launched on {@code tower}, with its arguments given by parameter name ({@code null} leaves a name
     * out: a template that takes no batch) and put in the order its template takes them.
     *
     * @param comment why it runs, in the generated source
     * @param grid the grid's x, y and z
     */
    Kernel launched(String comment, int tower, String[] grid, String... namesAndArguments) {
      Map<String, String> byName = new LinkedHashMap<>();
      for (int k = 0; k < namesAndArguments.length; k += 2) {
        if (namesAndArguments[k + 1] != null) {
          byName.put(namesAndArguments[k], namesAndArguments[k + 1]);
        }
      }
      Launch launch = new Launch(comment, tower, grid[0], grid[1], grid[2], KernelLibrary.get().arguments(template, byName));
      return new Kernel(name, doc, struct, template, templateArgument, launch);
    }

    List<KernelLibrary.Param> params() {
      return KernelLibrary.get().function(template).params();
    }

    /** Whether it synchronizes its block's threads (the host emulator then runs them as fibers): as its template does. */
    boolean barriers() {
      return KernelLibrary.get().function(template).synchronizes();
    }

    /** The call into the library: {@code netforge::conv_forward<conv1_t0>(x, w, bias, mask, y);}. */
    String body() {
      return "netforge::" + template + "<" + templateArgument + ">(" + String.join(", ", params().stream().map(KernelLibrary.Param::name).toList())
          + ");";
    }
  }

  /**
   * A per-tower device buffer of {@code fixed + perImage·batch} elements.
   *
   * @param zeroed whether the engine relies on its allocation's zeros (the emulator's checking mode then leaves it
   *     zero): the ∂input pass's gradients, of which a tower of a grouped first layer writes only its own channels
   *     before the stages ahead of it read them all, and the parameters' gradients, pulled before any backward pass
   */
  record Buffer(String constant, String doc, long fixed, long perImage, boolean ints, boolean zeroed) {}

  /** A step of a pass, for the launcher: a {@link Kernel}'s launch, an exchange or a mask draw. */
  sealed interface Step {}

  /**
   * Where and how a pass launches a kernel: on one tower, grid sizes and arguments (in its template's parameter order)
   * as Java expressions.
   *
   * @param comment why, in the generated source
   */
  record Launch(String comment, int tower, String gridX, String gridY, String gridZ, List<String> args) {}

  /** All-gather of a tower-split activation before a layer that reads every tower's channels. */
  record Gather(String comment, String buffer, long perImage) implements Step {}

  /** Reduce of the partial input gradients onto the tower that owns each slice, through the staging buffer. */
  record Reduce(String comment, String buffer, long perImage) implements Step {}

  /** Sum of the towers' copies of a gradient every tower holds whole onto tower 0, through the staging buffer. */
  record ReduceWhole(String comment, String buffer, long perImage) implements Step {}

  /** A sum of the towers' partial ∂loss/∂input that the host makes as it reads them: only said where it falls. */
  record HostReduce(String comment) implements Step {}

  /** Host-drawn dropout mask (the CPU engine's generator, so both engines drop the same units), sent to every tower. */
  record DrawMask(String buffer, int layer, long perImage, double rate) implements Step {}

  /** The update of one parameter's slice on one tower. */
  record Update(String parameter, int tower, long start, long count) implements Step {}

  /** Where a parameter lives on each tower, and which part of it that tower trains. */
  record ParameterSlices(String name, String value, long size, long[] start, long[] count) {}

  final Plan plan;
  final StageNames names;
  private final Schedule schedule;
  final List<Kernel> kernels = new ArrayList<>();
  final List<Buffer> buffers = new ArrayList<>();
  final List<Step> forward = new ArrayList<>();
  final List<Step> backward = new ArrayList<>();
  final List<Step> update = new ArrayList<>();
  final List<ParameterSlices> parameters = new ArrayList<>();
  /** Each convolution's weight-gradient grid on tower 0, for the launcher's javadoc: {@code conv1: 6 × 1 tiles × 44 chunks}. */
  final List<String> weightGradientGrids = new ArrayList<>();
  /** The first layer's input-gradient launches, run only when the caller asks for ∂loss/∂input. */
  final List<Step> inputGradient = new ArrayList<>();
  /** Each stage's forward launches, tower by tower. */
  private final List<List<Step>> forwardOf = new ArrayList<>();
  /** Each stage's backward launches but the first parametric layer's ∂input, tower by tower. */
  private final List<List<Step>> backwardOf = new ArrayList<>();
  /** The first parametric layer's ∂input launches. */
  private final List<Step> firstLayerData = new ArrayList<>();
  final String outputBuffer;
  final long exchangeBytesPerImage;

  public CudaSchedule(Schedule schedule) {
    this.plan = schedule.plan();
    this.names = schedule.names();
    this.schedule = schedule;
    buffers.add(new Buffer("INPUT", "the input batch, on every tower", 0, plan.input().size(), false, false));
    buffers.add(new Buffer("INPUT_GRAD", "this tower's part of ∂loss/∂input", 0, plan.input().size(), false, true));
    for (ParameterPlan p : plan.parameters()) {
      String c = StageNames.constant(p.name());
      buffers.add(new Buffer(c, "{@code " + p.name() + "} " + p.shape(), p.size(), 0, false, false));
      buffers.add(new Buffer(c + "_GRAD", "∂loss/∂" + p.name(), p.size(), 0, false, true));
      buffers.add(new Buffer(c + "_VELOCITY", "momentum of " + p.name(), p.size(), 0, false, false));
    }
    for (Schedule.Buffer b : schedule.buffers()) {
      String n = names.of(b.stage());
      String doc = switch (b.role()) {
        case OUTPUT -> "output of " + n + ", " + plan.stages().get(b.stage()).out();
        case GRADIENT -> "∂loss/∂" + n;
        case MASK -> "dropout multipliers of " + n;
        case LRN_SCALE -> "LRN denominators of " + n;
        case ARGMAX -> "arg-max of " + n + " in its input plane";
        // Each tower holds every activation at full size, so a partial gradient needs no copy of its own.
        case TOWER_GRADIENT -> null;
      };
      if (doc != null) {
        boolean beforeParameters = b.stage() < plan.firstParametric() && b.role() == Schedule.Role.GRADIENT;
        buffers.add(new Buffer(bufferConstant(b.stage(), b.role()), doc, 0, b.perExample(), b.ints(), beforeParameters));
      }
    }
    outputBuffer = names.constant(plan.stages().size() - 1);
    exchangeBytesPerImage = schedule.exchangeBytesPerExample();
    long staging = Math.max(schedule.receivedPerExample(), plan.towers() > 1 ? 1 : 0);
    buffers.add(new Buffer("STAGING", "received copies of a gradient whose towers' copies are summed", 0, staging, false, false));
    buffers.add(new Buffer("LABELS", "labels of the batch", 0, 1, true, false));
    buffers.add(new Buffer("LOSSES", "per-example losses", 0, 1, false, false));
    for (int i = 0; i < plan.stages().size(); i++) {
      forwardOf.add(new ArrayList<>());
      backwardOf.add(new ArrayList<>());
      new StageKernels(i).plan();
    }
    for (Schedule.ForwardStep step : schedule.forward()) {
      step.accept(new ForwardSteps());
    }
    for (Schedule.BackwardStep step : schedule.backward()) {
      step.accept(new BackwardSteps());
    }
    if (plan.softmax()) {
      kernels.add(new Kernel("softmax_xent",
          "Softmax cross-entropy over the gathered logits, one thread per example: per-example loss and (softmax − onehot)/batch.", "",
          "softmax_cross_entropy", Long.toString(plan.output().size())));
    }
  }

  private String inputOf(int i) {
    return i == 0 ? "INPUT" : names.constant(i - 1);
  }

  private String gradInputOf(int i) {
    return i == 0 ? "INPUT_GRAD" : names.constant(i - 1) + "_GRAD";
  }

  /**
   * The constant of a stage's buffer: the stage's constant, then the role's ({@code CONV_A} + {@code _GRAD}). Built from
   * the stage's constant, never from the buffer's camelCase name ({@code convAGrad} would give {@code CONV_AGRAD}), so
   * that every place spells it alike whatever capitals and underscores the layer's name holds.
   */
  private String bufferConstant(int stage, Schedule.Role role) {
    String stem = names.constant(stage);
    return role.suffix().isEmpty() ? stem : stem + "_" + StageNames.constant(role.suffix());
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

  /** The forward pass: each region's stages' launches in order, the schedule's gathers and mask draws between them. */
  private final class ForwardSteps implements Schedule.ForwardPrinter {
    @Override
    public void region(Schedule.Region region) {
      for (int i = region.first(); i < region.end(); i++) {
        forward.addAll(forwardOf.get(i));
      }
    }

    @Override
    public void gather(Schedule.Gather g) {
      String why = g.kind() == Schedule.Gather.Kind.EXCHANGE ? names.of(g.stage() + 1) + " reads every tower's channels"
          : "every tower needs all of the output for the softmax gradient";
      forward.add(new Gather(why, names.constant(g.stage()), plan.stages().get(g.stage()).out().size()));
    }

    @Override
    public void drawMask(Schedule.DrawMask d) {
      forward.add(new DrawMask(names.constant(d.stage()) + "_MASK", d.stage(), d.perExample(), d.rate()));
    }
  }

  /**
   * The backward pass: each region's stages' launches, last first, after the schedule's sum of gradient copies. What only
   * ∂loss/∂input needs — the stages before the first parametric layer, that layer's ∂input and the sums in front of
   * them — goes to the input-gradient pass, which runs when the caller asks for it.
   */
  private final class BackwardSteps implements Schedule.BackwardPrinter {
    @Override
    public void region(Schedule.Region region) {
      for (int i = region.end() - 1; i >= region.first(); i--) {
        (i < plan.firstParametric() ? inputGradient : backward).addAll(backwardOf.get(i));
        if (i == plan.firstParametric()) {
          inputGradient.addAll(firstLayerData);
        }
      }
    }

    @Override
    public void reduce(Schedule.Reduce r) {
      List<Step> pass = r.inputGradientOnly() ? inputGradient : backward;
      if (r.stage() < 0) {
        pass.add(new HostReduce("the towers' partial ∂loss/∂input, which " + names.of(plan.firstParametric())
            + "'s towers all wrote, are summed on the host as it reads them"));
      } else if (r.kind() == Schedule.Reduce.Kind.WHOLE) {
        pass.add(new ReduceWhole("∂" + names.of(r.stage()) + ", whole on every tower, summed onto tower 0, which alone runs the stages before",
            names.constant(r.stage()) + "_GRAD", plan.stages().get(r.stage()).out().size()));
      } else {
        pass.add(new Reduce("partial ∂input of " + names.of(r.stage() + 1) + " summed on the tower that owns each slice",
            names.constant(r.stage()) + "_GRAD", plan.stages().get(r.stage()).out().size()));
      }
    }
  }

  /**
   * One stage's kernels and launches on every tower, printed from what its op kind plans for each tower ({@link
   * Stage#kernelPlan}): a single pass forward and backward, or a parametric layer's GEMMs around the shared bias kernel.
   */
  private final class StageKernels {
    private final int i;
    private final Stage stage;
    private final String n;
    private final String out;
    private final List<Step> forwardOfStage;
    private final List<Step> backwardOfStage;

    StageKernels(int i) {
      this.i = i;
      this.stage = plan.stages().get(i);
      this.n = names.of(i);
      this.out = names.constant(i);
      this.forwardOfStage = forwardOf.get(i);
      this.backwardOfStage = backwardOf.get(i);
    }

    /** Adds every tower's kernels to the table and their launches to the stage's passes. */
    void plan() {
      if (stage instanceof Parametric p) {
        parametric(p);
        return;
      }
      for (int t = 0; t < plan.towers(); t++) {
        KernelPlan k = stage.kernelPlan(t);
        if (!(k instanceof KernelPlan.Pass pass)) {
          throw new IllegalStateException(n + " plans " + k + " but has no parameters");
        }
        pass(t, pass);
      }
    }

    /** A single pass on tower {@code t}: its forward kernel declares the constants struct its backward kernel uses too. */
    private void pass(int t, KernelPlan.Pass pass) {
      int count = channelsOnEachTower();
      List<List<KernelPlan.Constant>> constants = new ArrayList<>();
      constants.add(KernelPlan.line("CHANNELS", stage.out().channels(), "FIRST", schedule.channelSplit(i) == 1 ? 0 : t * count, "COUNT", count,
          "PLANE", plane(stage.out())));
      constants.addAll(pass.constants());
      String struct = n + "_t" + t;
      KernelPlan.Launch f = pass.forward();
      forward(new Kernel(n + "_forward_t" + t, "Forward of " + what(t) + ": " + f.note() + ".", structDeclaration(struct, constants), f.template(),
          struct).launched(what(t), t, grid(blocks(f)), arguments(t, f.arguments())));
      if (runsBackward(t)) {
        KernelPlan.Launch b = pass.backward();
        backward(new Kernel(n + "_backward_t" + t, "Backward of " + what(t) + b.note() + ".", "", b.template(), struct)
            .launched(what(t), t, grid(blocks(b)), arguments(t, b.arguments())));
      }
    }

    private void parametric(Parametric p) {
      int towers = plan.towers();
      String weight = StageNames.constant(p.paramPrefix() + ".weight");
      String bias = StageNames.constant(p.paramPrefix() + ".bias");
      long[] start = new long[towers];
      long[] count = new long[towers];
      for (int t = 0; t < towers; t++) {
        List<TowerSlice> slices = p.slicesOf(t);
        int first = slices.get(0).outStart();
        int slice = slices.get(0).outCount();
        int runs = slices.size();
        start[t] = first;
        count[t] = (long) slice * runs;
        if (!(p.kernelPlan(t) instanceof KernelPlan.Gemm g)) {
          throw new IllegalStateException(n + " has parameters but plans no GEMMs");
        }
        String struct = n + "_t" + t;
        List<List<KernelPlan.Constant>> constants = new ArrayList<>(g.constants());
        constants.add(KernelPlan.line("FIRST", first, "SLICE", slice, "SLICES", runs));
        constants.add(KernelPlan.line("RELU", p.relu()));
        String towerMask = argument(t, Argument.maskOf(p));
        String what = "tower " + t + ": " + p.outputsName() + " " + first + "–" + (first + slice * runs - 1);
        String batch = g.takesBatch() ? "batch" : null;
        forward(new Kernel(n + "_forward_t" + t, "Forward of " + n + ", " + what + ": " + p.operation() + g.forwardNote() + ".",
            structDeclaration(struct, constants), g.forwardTemplate(), struct)
            .launched(n + ", " + what, t, grid(g.forwardGrid()), "x", at(t, inputOf(i)), "w", at(t, weight), "bias", at(t, bias), "mask", towerMask,
                "y", at(t, out), "batch", batch));
        backward(new Kernel(n + "_bias_backward_t" + t,
            "∂output of " + n + " (" + what + ") becomes ∂pre-activation in place (ReLU derivative, dropout mask); its sum is ∂bias.", "",
            "bias_backward", struct)
            .launched(n + " ∂bias, " + what, t, new String[] {Long.toString(count[t]), "1", "1"}, "y", at(t, out), "mask", towerMask,
                "dy", at(t, out + "_GRAD"), "dbias", at(t, bias + "_GRAD"), "batch", "batch"));
        weightGradient(p, g, t, struct, what, weight);
        Kernel data = add(new Kernel(n + "_data_backward_t" + t, "∂input of " + n + " from " + what
            + " (its partial sum when the input is shared)" + g.dataNote() + ".", "", g.dataTemplate(), struct)
            .launched(n + " ∂input", t, grid(g.dataGrid()), "w", at(t, weight), "dz", at(t, out + "_GRAD"), "dx", at(t, gradInputOf(i)), "batch",
                batch));
        (i == plan.firstParametric() ? firstLayerData : backwardOfStage).add(data);
        update.add(new Update(weight, t, first * (long) p.fanIn(), count[t] * p.fanIn()));
        update.add(new Update(bias, t, first, count[t]));
      }
      long[] weightStart = new long[towers];
      long[] weightCount = new long[towers];
      for (int t = 0; t < towers; t++) {
        weightStart[t] = start[t] * p.fanIn();
        weightCount[t] = count[t] * p.fanIn();
      }
      parameters.add(new ParameterSlices(p.paramPrefix() + ".weight", weight, p.weightCount(), weightStart, weightCount));
      parameters.add(new ParameterSlices(p.paramPrefix() + ".bias", bias, p.out().channels(), start, count));
    }

    /**
     * The weight gradient's launches on tower {@code t}: one GEMM over batch × positions, or, where that would be
     * too few blocks to fill a GPU and the op lets the batch be split, the batch in chunks, each into its own partial
     * copy, added in chunk order.
     */
    private void weightGradient(Parametric p, KernelPlan.Gemm g, int t, String struct, String what, String weight) {
      long tilesY = tiles(g.weightTilesY());
      long tiles = (long) ((p.fanIn() + TILE - 1) / TILE) * tilesY;
      int chunks = g.splitsBatch() ? weightChunks(tiles) : 1;
      String chunked = chunks > 1 ? "; the batch in up to " + chunks + " chunks, " + tiles + " blocks each ("
          + tiles * chunks + " at a batch of " + chunks + " or more), added in chunk order" : "";
      String[] grid = {ceil(p.fanIn(), TILE), Long.toString(tilesY), chunks > 1 ? "Math.min(batch, " + chunks + ")" : "1"};
      if (t == 0 && g.splitsBatch()) {
        weightGradientGrids.add(n + ": " + tiles + (tiles == 1 ? " tile" : " tiles") + (chunks > 1 ? " × " + chunks + " chunks = "
            + tiles * chunks + " blocks" : " in one GEMM"));
      }
      if (chunks > 1 && t == 0) {
        buffers.add(new Buffer(out + "_WEIGHT_PARTIAL", "the weight gradient of " + n + " by chunk of the batch, " + chunks + " × "
            + p.weightShape(), (long) chunks * p.weightCount(), 0, false, false));
      }
      String target = chunks > 1 ? at(t, out + "_WEIGHT_PARTIAL") : at(t, weight + "_GRAD");
      backward(new Kernel(n + "_weight_backward_t" + t, "∂weight of " + n + ", " + what + chunked + ".", "", g.weightTemplate(), struct)
          .launched(n + " ∂weight" + chunked, t, grid, "x", at(t, inputOf(i)), "dz", at(t, out + "_GRAD"), "dw", target, "batch", "batch"));
      if (chunks > 1) {
        String[] sumGrid = grid(ceil(p.out().channels() / plan.towers() * (long) p.fanIn(), BLOCK));
        backward(new Kernel(n + "_weight_sum_t" + t, "∂weight of " + n + ", " + what + ": the chunks' partial sums in order.", "",
            "conv_weight_grad_sum", struct)
            .launched(n + " ∂weight, the chunks added", t, sumGrid, "partial", target, "dw", at(t, weight + "_GRAD"), "chunks",
                "Math.min(batch, " + chunks + ")"));
      }
    }

    /** The launcher's expression for {@code argument} on tower {@code t}. */
    private String argument(int t, Argument argument) {
      if (argument instanceof Argument.Input) {
        return at(t, inputOf(i));
      } else if (argument instanceof Argument.InputGradient) {
        return at(t, gradInputOf(i));
      } else if (argument instanceof Argument.Batch) {
        return "batch";
      } else if (argument instanceof Argument.None) {
        return "0L";
      } else if (argument instanceof Argument.Buffer b && b.role() == Schedule.Role.MASK) {
        // Backward reads the mask only after a training pass: at test time dropout was the identity.
        return "training ? " + at(t, out + "_MASK") + " : 0L";
      } else if (argument instanceof Argument.Buffer b) {
        return at(t, bufferConstant(i, b.role()));
      }
      throw new IllegalStateException(n + "'s kernels take " + argument + ", which has no place on a device");
    }

    /** {@code arguments} as {@link Kernel#launched} takes them: name, expression, name, expression... */
    private String[] arguments(int t, Map<String, Argument> arguments) {
      List<String> namesAndArguments = new ArrayList<>();
      arguments.forEach((name, argument) -> {
        namesAndArguments.add(name);
        namesAndArguments.add(argument(t, argument));
      });
      return namesAndArguments.toArray(new String[0]);
    }

    /** The launcher's grid of a single pass's kernel: a thread per element of the tower's share of its output or input. */
    private String blocks(KernelPlan.Launch launch) {
      return elementBlocks(channelsOnEachTower() * plane(launch.overInput() ? stage.in() : stage.out()));
    }

    /** Registers a launched kernel in the table and runs it in the stage's forward pass. */
    private void forward(Kernel kernel) {
      forwardOfStage.add(add(kernel));
    }

    /** Registers a launched kernel in the table and runs it in the stage's backward pass. */
    private void backward(Kernel kernel) {
      backwardOfStage.add(add(kernel));
    }

    /**
     * Whether tower {@code t} runs the stage's backward: every tower, each on its copy of the gradient, unless the
     * schedule runs the stage backward once on the copies' sum, which tower 0 holds.
     */
    private boolean runsBackward(int t) {
      return t == 0 || !schedule.backwardOnce(i);
    }

    private String what(int t) {
      return n + ", tower " + t;
    }

    private int channelsOnEachTower() {
      return stage.out().channels() / schedule.channelSplit(i);
    }
  }

  /**
   * Chunks of the batch a weight gradient of {@code blocks} blocks is split into: enough for {@link #WEIGHT_BLOCKS}
   * blocks, at most {@link #MAX_WEIGHT_CHUNKS}; each chunk adds a partial weight gradient to the tower's memory.
   */
  private static int weightChunks(long blocks) {
    return (int) Math.max(1, Math.min(MAX_WEIGHT_CHUNKS, (WEIGHT_BLOCKS + blocks - 1) / blocks));
  }

  /** Adds {@code kernel} to the table the {@code .cu} declares every kernel from. */
  private Kernel add(Kernel kernel) {
    kernels.add(kernel);
    return kernel;
  }

  private static String[] grid(String blocks) {
    return new String[] {blocks, "1", "1"};
  }

  /** A constants struct: one {@code static constexpr} declaration per line of constants, of its values' type. */
  private static String structDeclaration(String struct, List<List<KernelPlan.Constant>> lines) {
    StringBuilder b = new StringBuilder("struct " + struct + " {\n");
    for (List<KernelPlan.Constant> line : lines) {
      String type = cType(line.get(0).value());
      List<String> declared = new ArrayList<>();
      for (KernelPlan.Constant c : line) {
        if (!cType(c.value()).equals(type)) {
          throw new IllegalStateException(struct + " declares " + c.name() + " on a line of " + type + " constants");
        }
        declared.add(c.name() + " = " + (c.value() instanceof Float f ? floatLiteral(f) : c.value()));
      }
      b.append("  static constexpr ").append(type).append(' ').append(String.join(", ", declared)).append(";\n");
    }
    return b.append("};\n").toString();
  }

  private static String cType(Object value) {
    if (value instanceof Float) {
      return "float";
    } else if (value instanceof Boolean) {
      return "bool";
    } else if (value instanceof Integer || value instanceof Long) {
      return "int";
    }
    throw new IllegalStateException("no C type for the constant " + value);
  }

  private static String floatLiteral(float v) {
    String s = Float.toString(v);
    return (s.contains("E") ? s.replace("E", "e") : s) + "f";
  }

  /** The launcher's expressions for a grid's x, y and z. */
  private static String[] grid(List<KernelPlan.Dim> dims) {
    return dims.stream().map(CudaSchedule::extent).toArray(String[]::new);
  }

  private static String extent(KernelPlan.Dim dim) {
    if (dim instanceof KernelPlan.Batch) {
      return "batch";
    } else if (dim instanceof KernelPlan.BatchTiles) {
      return BATCH_TILES;
    }
    return Long.toString(tiles(dim));
  }

  /** The blocks of an extent that does not depend on the batch. */
  private static long tiles(KernelPlan.Dim dim) {
    if (dim instanceof KernelPlan.Count c) {
      return c.blocks();
    } else if (dim instanceof KernelPlan.Tiles t) {
      return t.times() * ((t.n() + TILE - 1) / TILE);
    }
    throw new IllegalStateException(dim + " depends on the batch");
  }

  private static long plane(Shape shape) {
    return (long) shape.height() * shape.width();
  }
}
