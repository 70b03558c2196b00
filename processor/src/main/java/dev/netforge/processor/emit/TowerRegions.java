package dev.netforge.processor.emit;

import dev.netforge.processor.plan.Plan;
import dev.netforge.processor.plan.Stage;
import dev.netforge.processor.plan.TowerSlice;
import java.util.ArrayList;
import java.util.List;

/**
 * How the CPU class runs a network's towers: the stages cut into regions, each either run by every tower on its own
 * threads (its own channels of every tensor) or, for the element-wise stages that stand alone, once over whole
 * tensors. A region ends where a tower is about to read what another wrote: before a layer whose towers share their
 * input (the forward all-gather of a tower exchange), which in the backward pass is where each tower's copy of the
 * shared input's gradient has to be summed.
 */
final class TowerRegions {
  /** Consecutive stages {@code [first, end)}; {@code perTower} unless it is one stand-alone element-wise stage. */
  record Region(int first, int end, boolean perTower) {}

  private final Plan plan;
  private final List<Region> regions = new ArrayList<>();

  TowerRegions(Plan plan) {
    this.plan = plan;
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
  }

  /** The regions in forward order. */
  List<Region> regions() {
    return regions;
  }

  /**
   * Parametric layers, and LRN and pooling on tower-split channels, run per tower; a stand-alone ReLU or dropout, and
   * LRN or pooling of the whole input before the first parametric layer, run once over whole tensors.
   */
  boolean perTower(int i) {
    Stage s = plan.stages().get(i);
    return s instanceof Stage.Parametric
        || (s instanceof Stage.Lrn l && l.towers() == plan.towers())
        || (s instanceof Stage.MaxPool m && m.towers() == plan.towers());
  }

  /**
   * Whether stage {@code i} is a parametric layer whose towers read some of the same input: they need every tower's
   * output of the stage before, and each tower other than 0 writes the input gradient into its own copy.
   */
  boolean sharedInput(int i) {
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
  boolean reducesGradient(int i) {
    return i + 1 < plan.stages().size() && sharedInput(i + 1);
  }
}
