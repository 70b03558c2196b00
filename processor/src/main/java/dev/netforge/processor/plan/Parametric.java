package dev.netforge.processor.plan;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

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

  /** Tower {@code tower}'s slices, in order. */
  default List<TowerSlice> slicesOf(int tower) {
    return slices().stream().filter(s -> s.tower() == tower).toList();
  }

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

  /**
   * The runtime stage's objects, one per tower: tower t's {@code leading.apply(t)}, then the tower's slices in order;
   * a slice reading input channels that a slice before it in the same tower read adds to their gradient.
   */
  default List<List<Argument>> towerObjects(IntFunction<List<Argument>> leading) {
    int towers = slices().stream().mapToInt(TowerSlice::tower).max().orElseThrow() + 1;
    return RuntimeStage.eachTower(towers, t -> {
      List<Argument> slices = new ArrayList<>();
      List<TowerSlice> done = new ArrayList<>();
      for (TowerSlice slice : slicesOf(t)) {
        boolean accumulate = done.stream().anyMatch(slice::readsSameInputAs);
        done.add(slice);
        slices.add(sliceArgument(slice.inStart(), slice.outStart(), slice.outCount(), accumulate));
      }
      return RuntimeStage.concat(leading.apply(t), slices);
    });
  }

  /** The runtime's {@code TowerSlice}: outputs {@code [outStart, outStart + outCount)} from input channel {@code inStart} on. */
  static Argument.New sliceArgument(int inStart, int outStart, int outCount, boolean addsToInputGradient) {
    return new Argument.New(
        "TowerSlice", List.of(new Argument.Int(inStart), new Argument.Int(outStart), new Argument.Int(outCount), new Argument.Bool(addsToInputGradient)));
  }

  /** Whether {@code a} is one of {@link #towerObjects}' slices, which follow an object's leading arguments. */
  static boolean isSliceArgument(Argument a) {
    return a instanceof Argument.New n && n.type().equals("TowerSlice");
  }

  /** What its runtime stage binds: its input, its output and its dropout mask (none without dropout). */
  default List<Argument> bindsOutputAndMask() {
    return List.of(Argument.INPUT, Argument.OUTPUT, Argument.maskOf(this));
  }

  /** Its description as {@code kind}: {@code own} attributes (name, value...), then the epilogue's and the parameters' names. */
  default Description describedAs(String kind, Object... own) {
    List<Object> all = new ArrayList<>(List.of(own));
    all.addAll(List.of("relu", relu(), "dropout", dropout(), "weight", paramPrefix() + ".weight", "bias", paramPrefix() + ".bias"));
    return Description.of(kind, all.toArray());
  }

  /** The epilogue's part of {@link #operation}: {@code " + bias + ReLU + dropout 0.5"}. */
  default String epilogue() {
    return " + bias" + (relu() ? " + ReLU" : "") + (dropout() > 0 ? " + dropout " + Text.number(dropout()) : "");
  }
}
