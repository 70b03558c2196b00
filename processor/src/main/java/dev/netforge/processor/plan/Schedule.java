package dev.netforge.processor.plan;

import java.util.ArrayList;
import java.util.List;

/**
 * A plan lowered once for both engines: every stage's names, the buffers each stage owns (with their sizes and when
 * they are allocated), where the towers run side by side and where they meet, and where a tower exchange's reduce
 * falls. The Java and CUDA emitters print this; neither decides a buffer, an exchange or a mask on its own.
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

  /** What a stage's buffer holds. */
  public enum Role {
    /** The stage's output. */
    OUTPUT,
    /** ∂loss/∂output of the stage. */
    GRADIENT,
    /** The dropout multipliers of the last training pass. */
    MASK,
    /** LRN's denominators k + α Σ a², kept for backward. */
    LRN_SCALE,
    /** Where each pooling window's maximum came from. */
    ARGMAX,
    /** Tower t's own copy of ∂loss/∂output, which the next layer's towers all write; summed after the barrier. */
    TOWER_GRADIENT;

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

  /** Consecutive stages {@code [first, end)}; {@code perTower} unless it is one stage run over whole tensors. */
  public record Region(int first, int end, boolean perTower) {}

  private final Plan plan;
  private final StageNames names;
  private final List<Region> regions = new ArrayList<>();
  private final List<Buffer> buffers = new ArrayList<>();

  public Schedule(Plan plan) {
    this.plan = plan;
    this.names = new StageNames(plan);
    int first = 0;
    for (int i = 0; i < plan.stages().size(); i++) {
      boolean perTower = perTower(i);
      if ((!perTower || sharedInput(i)) && i > first) {
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
    for (int i = 0; i < plan.stages().size(); i++) {
      Stage s = plan.stages().get(i);
      String n = names.of(i);
      long size = s.out().size();
      buffers.add(new Buffer(i, Role.OUTPUT, 0, n, size, false));
      buffers.add(new Buffer(i, Role.GRADIENT, 0, n + "Grad", size, false));
      if (s.maskRate() > 0) {
        buffers.add(new Buffer(i, Role.MASK, 0, n + "Mask", size, false));
      }
      if (s instanceof Stage.Lrn) {
        buffers.add(new Buffer(i, Role.LRN_SCALE, 0, n + "Scale", size, false));
      }
      if (s instanceof Stage.MaxPool) {
        buffers.add(new Buffer(i, Role.ARGMAX, 0, n + "Argmax", size, true));
      }
      for (int t = 1; reducesGradient(i) && t < plan.towers(); t++) {
        buffers.add(new Buffer(i, Role.TOWER_GRADIENT, t, n + "GradTower" + t, size, false));
      }
    }
  }

  public Plan plan() {
    return plan;
  }

  public StageNames names() {
    return names;
  }

  public List<Region> regions() {
    return regions;
  }

  /** Every stage's buffers, in stage order and within a stage in {@link Role} order. */
  public List<Buffer> buffers() {
    return buffers;
  }

  /**
   * Parametric layers, and LRN and pooling on tower-split channels, run per tower; a stand-alone ReLU or dropout, and
   * LRN or pooling of the whole input before the first parametric layer, run once over whole tensors.
   */
  public boolean perTower(int i) {
    return plan.stages().get(i).accept(new Stage.Visitor<Boolean>() {
      @Override
      public Boolean convolution(Stage.Convolution s) {
        return true;
      }

      @Override
      public Boolean dense(Stage.Dense s) {
        return true;
      }

      @Override
      public Boolean lrn(Stage.Lrn s) {
        return s.towers() == plan.towers();
      }

      @Override
      public Boolean maxPool(Stage.MaxPool s) {
        return s.towers() == plan.towers();
      }

      @Override
      public Boolean avgPool(Stage.AvgPool s) {
        return s.towers() == plan.towers();
      }

      @Override
      public Boolean relu(Stage.Relu s) {
        return false;
      }

      @Override
      public Boolean dropout(Stage.Dropout s) {
        return false;
      }
    });
  }

  /**
   * Whether stage {@code i} is a parametric layer whose towers read some of the same input: they need every tower's
   * output of the stage before, and each tower other than 0 writes the input gradient into its own copy.
   */
  public boolean sharedInput(int i) {
    if (plan.towers() == 1 || !(plan.stages().get(i) instanceof Stage.Parametric p)) {
      return false;
    }
    for (TowerSlice a : p.slices()) {
      for (TowerSlice b : p.slices()) {
        if (a.tower() != b.tower() && a.readsSameInputAs(b)) {
          return true;
        }
      }
    }
    return false;
  }

  /** The stages whose output gradient other towers also wrote a copy of: the stage before each shared-input layer. */
  public boolean reducesGradient(int i) {
    return i + 1 < plan.stages().size() && sharedInput(i + 1);
  }
}
