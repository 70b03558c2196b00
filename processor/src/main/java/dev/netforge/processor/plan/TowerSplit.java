package dev.netforge.processor.plan;

/**
 * A single pass over a feature map's channels — LRN or pooling — that runs on each tower's own channels once a
 * parametric layer has split them, and over the whole input, which every tower holds, before.
 */
public sealed interface TowerSplit extends Stage permits Lrn, MaxPool, AvgPool {
  /**
   * How many towers its channels are split over: the network's tower count, or 1 before the first parametric layer,
   * where the input is whole on every tower.
   */
  int towers();

  /** On the towers' own channels where its input is split over them; before the first parametric layer, whole. */
  @Override
  default boolean perTower(int networkTowers) {
    return towers() == networkTowers;
  }
}
