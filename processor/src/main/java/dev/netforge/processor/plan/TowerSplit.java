package dev.netforge.processor.plan;

import java.util.ArrayList;
import java.util.List;

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

  /**
   * Its runtime stage's objects, one per tower its channels are split over, each given its first channel and how many,
   * then {@code more}: what pooling's stages are built from besides their geometry.
   */
  default List<List<Argument>> channelObjects(Argument... more) {
    int channels = in().channels() / towers();
    return RuntimeStage.eachTower(towers(), t -> {
      List<Argument> arguments = new ArrayList<>(List.of(new Argument.Geometry(), new Argument.Int((long) t * channels), new Argument.Int(channels)));
      arguments.addAll(List.of(more));
      return List.copyOf(arguments);
    });
  }

  /** On the towers' own channels where its input is split over them; before the first parametric layer, whole. */
  @Override
  default boolean perTower(int networkTowers) {
    return towers() == networkTowers;
  }
}
