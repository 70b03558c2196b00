package dev.netforge.processor.plan;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A plan lowered once for both engines: every stage's names, the buffers each stage owns (with their sizes and when
 * they are allocated), and the steps of the forward and backward passes in order — which stages run, where the towers
 * exchange activations or sum gradients, and where dropout masks are drawn. The Java and CUDA emitters print these
 * lists; neither decides a buffer, an exchange or a mask on its own, so both engines exchange and draw at the same
 * points.
 *
 * <p>Regions: consecutive stages the towers run side by side, each on its own channels, ending where a tower is about
 * to read what another wrote — before a layer whose towers share their input (the forward all-gather of a tower
 * exchange), which in the backward pass is where each tower's copy of the shared input's gradient is summed. A stage
 * that runs over whole tensors (a stand-alone ReLU or dropout, or LRN or pooling of the input before the first
 * parametric layer) is a region of its own.
 */
public final class Schedule {
  /** When a buffer is allocated: with the forward pass (inference needs it) or at the first backward pass. */
  public enum Lifetime {
    FORWARD,
    GRADIENTS
  }

  /** What a stage's buffer holds; {@code suffix} is what its name adds to the stage's. */
  public enum Role {
    /** The stage's output. */
    OUTPUT(""),
    /** ∂loss/∂output of the stage. */
    GRADIENT("Grad"),
    /** The dropout multipliers of the last training pass. */
    MASK("Mask"),
    /** LRN's denominators k + α Σ a² (the CPU engine keeps their reciprocals), kept for backward. */
    LRN_SCALE("Scale"),
    /** Where each pooling window's maximum came from (int32). */
    ARGMAX("Argmax"),
    /**
     * Tower t's own copy of ∂loss/∂output, which the next layer's towers all write; summed at the stage's {@link Reduce}.
     * The CPU engine's towers share one gradient buffer and need these; the CUDA engine's towers each hold every
     * gradient at full size and do not.
     */
    TOWER_GRADIENT("GradTower");

    private final String suffix;

    Role(String suffix) {
      this.suffix = suffix;
    }

    /** What a buffer of this role adds to its stage's name: {@code Scale} in {@code conv1LrnScale}. */
    public String suffix() {
      return suffix;
    }

    public Lifetime lifetime() {
      return this == GRADIENT || this == TOWER_GRADIENT ? Lifetime.GRADIENTS : Lifetime.FORWARD;
    }
  }

  /**
   * One buffer of {@code perExample × batch} elements.
   *
   * @param tower the tower whose copy it is ({@link Role#TOWER_GRADIENT}), else 0
   */
  public record Buffer(int stage, Role role, int tower, String name, long perExample, boolean ints) {}

  /** One step of the forward pass, in the order both engines run it. */
  public sealed interface ForwardStep permits Region, Gather, DrawMask {
    void accept(ForwardPrinter printer);
  }

  /** One step of the backward pass, in the order both engines run it. */
  public sealed interface BackwardStep permits Region, Reduce {
    void accept(BackwardPrinter printer);
  }

  /** What an engine prints for each kind of forward step; a new kind is a compile error in each engine. */
  public interface ForwardPrinter {
    void region(Region region);

    void gather(Gather gather);

    void drawMask(DrawMask draw);
  }

  /** What an engine prints for each kind of backward step; a new kind is a compile error in each engine. */
  public interface BackwardPrinter {
    void region(Region region);

    void reduce(Reduce reduce);
  }

  /**
   * Runs consecutive stages {@code [first, end)}, first to last forward and last to first backward: side by side on
   * every tower, each on its own channels, where {@code perTower}; else one stage over whole tensors.
   */
  public record Region(int first, int end, boolean perTower) implements ForwardStep, BackwardStep {
    @Override
    public void accept(ForwardPrinter printer) {
      printer.region(this);
    }

    @Override
    public void accept(BackwardPrinter printer) {
      printer.region(this);
    }
  }

  /** A step that moves activations or gradients between towers. */
  public sealed interface Transfer permits Gather, Reduce {
    /** Floats all towers together receive (a gather) or send (a sum of gradient copies) per example. */
    long floatsPerExample();

    default long bytesPerExample() {
      return floatsPerExample() * Float.BYTES;
    }
  }

  /**
   * Forward: every tower receives the other towers' channels of stage {@code stage}'s output. The CPU engine's towers
   * share memory: there a gather is where they meet, and nothing is copied.
   *
   * @param floatsPerExample activations all towers together receive per example
   */
  public record Gather(int stage, Kind kind, long floatsPerExample) implements ForwardStep, Transfer {
    /** Why the towers gather. */
    public enum Kind {
      /** The plan's {@link Exchange} in front of stage {@code stage + 1}, a layer that reads every tower's channels. */
      EXCHANGE,
      /** The network's output after its last stage, so that every tower holds all of it (the softmax gradient's input). */
      OUTPUT
    }

    @Override
    public void accept(ForwardPrinter printer) {
      printer.gather(this);
    }
  }

  /**
   * Backward: the towers' copies of stage {@code stage}'s output gradient ({@code -1}: of the network's input) are
   * summed, because every tower of the layer after it read (and so wrote the gradient of) the same activations.
   *
   * @param floatsPerExample gradients all towers together send per example
   */
  public record Reduce(int stage, Kind kind, long floatsPerExample) implements BackwardStep, Transfer {
    /** Whose copies are summed, and where the sum is. */
    public enum Kind {
      /** The plan's {@link Exchange} of stage {@code stage + 1}: each tower sums the others' copies of its own channels. */
      EXCHANGE,
      /**
       * Every tower holds the whole tensor — the network's input, or what LRN or pooling made of it before the first
       * layer with parameters — and that layer's towers all read it, though the plan names no exchange there: the
       * copies are summed once, and the stages before run backward once, on that sum (on the CUDA engine: onto tower 0,
       * or, for the input itself, by the host as it reads ∂loss/∂input). Only ∂loss/∂input needs it.
       */
      WHOLE
    }

    /** Whether only ∂loss/∂input depends on it, so that a pass not asked for that gradient may skip it. */
    public boolean inputGradientOnly() {
      return kind == Kind.WHOLE;
    }

    @Override
    public void accept(BackwardPrinter printer) {
      printer.reduce(this);
    }
  }

  /**
   * Forward, training only: draws stage {@code stage}'s dropout mask from the network's seed, the training step, the
   * stage's index and each example's, before the region that applies it runs, so that the towers share one mask.
   */
  public record DrawMask(int stage, long perExample, double rate) implements ForwardStep {
    @Override
    public void accept(ForwardPrinter printer) {
      printer.drawMask(this);
    }
  }

  private final Plan plan;
  private final StageNames names;
  private final List<Region> regions = new ArrayList<>();
  private final List<ForwardStep> forward = new ArrayList<>();
  private final List<BackwardStep> backward = new ArrayList<>();
  private final Map<Integer, Reduce> reduces = new HashMap<>();
  private final List<Buffer> buffers = new ArrayList<>();

  public Schedule(Plan plan) {
    this.plan = plan;
    this.names = new StageNames(plan);
    int first = 0;
    for (int i = 0; i < plan.stages().size(); i++) {
      boolean perTower = perTower(i);
      if ((!perTower || exchange(i) != null) && i > first) {
        regions.add(new Region(first, i, true));
        first = i;
      }
      if (!perTower) {
        regions.add(new Region(i, i + 1, false));
        first = i + 1;
      }
    }
    if (first < plan.stages().size()) {
      regions.add(new Region(first, plan.stages().size(), true));
    }
    planReduces();
    planForward();
    planBackward();
    planBuffers();
  }

  /** The gradient sums: one per plan exchange, and one where the first layer's towers all read a whole tensor. */
  private void planReduces() {
    int towers = plan.towers();
    for (int i = 0; i < plan.stages().size(); i++) {
      Exchange exchange = exchange(i);
      if (exchange != null) {
        reduces.put(i - 1, new Reduce(i - 1, Reduce.Kind.EXCHANGE, exchange.floatsPerImage()));
      }
    }
    int first = plan.firstParametric();
    if (towers > 1 && towersShareInput((Parametric) plan.stages().get(first))) {
      long size = first == 0 ? plan.input().size() : plan.stages().get(first - 1).out().size();
      reduces.put(first - 1, new Reduce(first - 1, Reduce.Kind.WHOLE, size * (towers - 1)));
    }
  }

  /** Each region after its gather (where its first layer has an exchange) and its masks; the output's gather last. */
  private void planForward() {
    for (Region r : regions) {
      Exchange exchange = exchange(r.first());
      if (exchange != null) {
        forward.add(new Gather(r.first() - 1, Gather.Kind.EXCHANGE, exchange.floatsPerImage()));
      }
      for (int i = r.first(); i < r.end(); i++) {
        Stage s = plan.stages().get(i);
        if (s.maskRate() > 0) {
          forward.add(new DrawMask(i, s.out().size(), s.maskRate()));
        }
      }
      forward.add(r);
    }
    if (plan.towers() > 1) {
      forward.add(new Gather(plan.stages().size() - 1, Gather.Kind.OUTPUT, plan.output().size() * (plan.towers() - 1)));
    }
  }

  /** Each region, last first, after the sum of its last stage's gradient copies; the input's sum last. */
  private void planBackward() {
    for (int r = regions.size() - 1; r >= 0; r--) {
      Region region = regions.get(r);
      Reduce reduce = reduces.get(region.end() - 1);
      if (reduce != null) {
        backward.add(reduce);
      }
      backward.add(region);
    }
    Reduce input = reduces.get(-1);
    if (input != null) {
      backward.add(input);
    }
  }

  private void planBuffers() {
    for (int i = 0; i < plan.stages().size(); i++) {
      Stage s = plan.stages().get(i);
      String n = names.of(i);
      long size = s.out().size();
      List<Role> roles = new ArrayList<>(List.of(Role.OUTPUT, Role.GRADIENT));
      if (s.maskRate() > 0) {
        roles.add(Role.MASK);
      }
      roles.addAll(s.kept());
      for (Role role : roles) {
        buffers.add(new Buffer(i, role, 0, n + role.suffix, size, role == Role.ARGMAX));
      }
      for (int t = 1; reducesGradient(i) && t < plan.towers(); t++) {
        buffers.add(new Buffer(i, Role.TOWER_GRADIENT, t, n + Role.TOWER_GRADIENT.suffix + t, size, false));
      }
    }
  }

  public Plan plan() {
    return plan;
  }

  public StageNames names() {
    return names;
  }

  /** The regions in forward order; the passes' {@link Region} steps. */
  public List<Region> regions() {
    return regions;
  }

  /** The forward pass: per region its gather, then its masks, then the region; the output's gather at the end. */
  public List<ForwardStep> forward() {
    return forward;
  }

  /** The backward pass, last region first: per region the sum of its last stage's gradient copies, then the region. */
  public List<BackwardStep> backward() {
    return backward;
  }

  /** Every stage's buffers, in stage order and within a stage in {@link Role} order. */
  public List<Buffer> buffers() {
    return buffers;
  }

  /**
   * Bytes per example the towers exchange in one training step: every gather and every sum of gradient copies, but
   * not those only ∂loss/∂input needs.
   */
  public long exchangeBytesPerExample() {
    long bytes = 0;
    for (ForwardStep step : forward) {
      bytes += step instanceof Gather g ? g.bytesPerExample() : 0;
    }
    for (BackwardStep step : backward) {
      bytes += step instanceof Reduce r && !r.inputGradientOnly() ? r.bytesPerExample() : 0;
    }
    return bytes;
  }

  /**
   * Parametric layers, and LRN and pooling on tower-split channels, run per tower; a stand-alone ReLU or dropout, and
   * LRN or pooling of the whole input before the first parametric layer, run once over whole tensors.
   */
  public boolean perTower(int i) {
    return plan.stages().get(i).perTower(plan.towers());
  }

  /**
   * How many towers stage {@code i}'s channels are split over: 1 before the first parametric layer, where every tower
   * holds the whole input and what LRN or pooling make of it; else the tower count.
   */
  public int channelSplit(int i) {
    return i < plan.firstParametric() ? 1 : plan.towers();
  }

  /** Whether the towers' copies of stage {@code i}'s output gradient ({@code -1}: the input's) are summed: a {@link Reduce}. */
  public boolean reducesGradient(int i) {
    return reduces.containsKey(i);
  }

  /** The {@link Reduce} of stage {@code i}'s gradient copies ({@code -1}: the input's); only where {@link #reducesGradient}. */
  public Reduce reduceOf(int i) {
    Reduce reduce = reduces.get(i);
    if (reduce == null) {
      throw new IllegalArgumentException("stage " + i + " of " + plan.name() + " sums no gradient copies");
    }
    return reduce;
  }

  /**
   * Whether stage {@code i} runs backward once, on the sum of the towers' copies of its gradient (a {@link
   * Reduce.Kind#WHOLE} sum at or after it): an engine that keeps a copy per tower runs it on tower 0 alone.
   */
  public boolean backwardOnce(int i) {
    int first = plan.firstParametric();
    return i < first && first > 0 && reduces.containsKey(first - 1);
  }

  /**
   * The most gradients per example one tower receives from another at a time in a {@link Reduce}: its own channels of an
   * exchange's, a whole tensor's copy; 0 without towers. An engine that receives them into a staging buffer sizes it so.
   */
  public long receivedPerExample() {
    long most = 0;
    for (Reduce r : reduces.values()) {
      if (r.stage() >= 0) {
        long size = plan.stages().get(r.stage()).out().size();
        most = Math.max(most, r.kind() == Reduce.Kind.WHOLE ? size : size / plan.towers());
      }
    }
    return most;
  }

  /** The plan's exchange in front of stage {@code i}, or {@code null}. */
  private Exchange exchange(int i) {
    return plan.stages().get(i) instanceof Parametric p ? p.exchange() : null;
  }

  /** Whether two of the layer's towers read some of the same input (so both write its gradient). */
  private static boolean towersShareInput(Parametric p) {
    for (TowerSlice a : p.slices()) {
      for (TowerSlice b : p.slices()) {
        if (a.tower() != b.tower() && a.readsSameInputAs(b)) {
          return true;
        }
      }
    }
    return false;
  }
}
