package dev.netforge.processor.plan;

import java.util.List;

/**
 * A convolution or dense layer with its fused epilogue: what both kinds share.
 *
 * <p>{@code slices} say what each tower computes; {@code exchange} is the all-gather its input needs (and the reduce
 * of the input gradient), or {@code null} when every tower already holds what it reads.
 */
public sealed interface Parametric extends Stage permits Convolution, Dense {
  /** Parameter-name prefix ({@code <prefix>.weight}, {@code <prefix>.bias}). */
  String paramPrefix();

  boolean relu();

  /** Fused dropout rate, 0 when none. */
  double dropout();

  double initialBias();

  List<TowerSlice> slices();

  Exchange exchange();

  /** Input channels (or features) one output reads. */
  int groupInputs();

  /** Fan-in of one output: the inputs one weight row multiplies. */
  int fanIn();

  /** {@code <prefix>.weight}'s shape in PyTorch's layout. */
  List<Integer> weightShape();

  /** What one output is called: {@code "filters"} or {@code "units"}. */
  String outputsName();

  /** What tower slice {@code slice} computes: {@code "filters 0–47 from input channels 0–2"}. */
  String describe(TowerSlice slice);

  default long weightCount() {
    return (long) out().channels() * fanIn();
  }

  default long parameterCount() {
    return weightCount() + out().channels();
  }

  @Override
  default long macs() {
    return out().size() * fanIn();
  }

  @Override
  default String suffix() {
    return "";
  }

  /** Each tower computes its own outputs. */
  @Override
  default boolean perTower(int towers) {
    return true;
  }

  @Override
  default double maskRate() {
    return dropout();
  }

  /** The epilogue's part of {@link #operation}: {@code " + bias + ReLU + dropout 0.5"}. */
  default String epilogue() {
    return " + bias" + (relu() ? " + ReLU" : "") + (dropout() > 0 ? " + dropout " + Text.number(dropout()) : "");
  }
}
