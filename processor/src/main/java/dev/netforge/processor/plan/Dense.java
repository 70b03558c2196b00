package dev.netforge.processor.plan;

import dev.netforge.processor.model.Layer;
import dev.netforge.processor.model.Location;
import dev.netforge.processor.model.Op;
import dev.netforge.processor.model.Shape;
import java.util.ArrayList;
import java.util.List;

/** A dense layer over the input flattened in C, H, W order. */
public record Dense(
    String layer,
    String paramPrefix,
    Shape in,
    Shape out,
    boolean relu,
    double dropout,
    double initialBias,
    List<TowerSlice> slices,
    Exchange exchange)
    implements Parametric {
  public Dense {
    slices = List.copyOf(slices);
  }

  /**
   * Checks {@code @Dense} {@code d} of {@code layer} — its units against the towers, its weights against one array's
   * size — and plans it over {@code in} flattened, an equal share of the units per tower, with the ReLU and dropout
   * fused into its epilogue; {@code null} after reporting what is wrong.
   */
  static Dense plan(Planning planning, Layer layer, Op.Dense d, Shape in, boolean relu, double dropout) {
    Location at = d.location();
    if (!planning.positive(at.at("units"), "units", d.units())) {
      return null;
    }
    int towers = planning.towers();
    if (d.units() % towers != 0) {
      planning.error(at.at("units"), "units = " + d.units() + " is not divisible by the network's " + towers + " towers; use " + Planning.roundUp(d.units(), towers));
      return null;
    }
    if (!planning.fitsOneArray(at.at("units"), layer.method() + ": the weights [" + d.units() + ", " + in.size() + "]", (long) d.units() * in.size(),
        "use fewer units, or pool or stride the layers before it to a smaller input")) {
      return null;
    }
    Shape out = new Shape(d.units(), 1, 1);
    int perTower = d.units() / towers;
    List<TowerSlice> slices = new ArrayList<>();
    for (int t = 0; t < towers; t++) {
      slices.add(new TowerSlice(t, 0, (int) in.size(), t * perTower, perTower));
    }
    Exchange exchange = towers > 1 && planning.splitOverTowers() ? new Exchange(in.size() * (towers - 1)) : null;
    return new Dense(layer.method(), layer.paramPrefix(), in, out, relu, dropout, d.bias(), slices, exchange);
  }

  @Override
  public int groupInputs() {
    return Math.toIntExact(in.size());
  }

  @Override
  public int fanIn() {
    return groupInputs();
  }

  @Override
  public List<Integer> weightShape() {
    return List.of(out.channels(), fanIn());
  }

  @Override
  public String outputsName() {
    return "units";
  }

  @Override
  public String describe(TowerSlice slice) {
    return "units " + slice.outStart() + "–" + (slice.outStart() + slice.outCount() - 1) + " from all " + slice.inCount() + " inputs";
  }

  @Override
  public String operation() {
    return "dense " + in.size() + " → " + out.channels() + epilogue();
  }

  @Override
  public RuntimeStage runtimeStage() {
    return new RuntimeStage("Dense", null, towerObjects(t -> List.of(new Argument.Int(in.size()), new Argument.Int(out.channels()),
        new Argument.Parameter(paramPrefix + ".weight"), new Argument.Parameter(paramPrefix + ".bias"), new Argument.Bool(relu))),
        bindsOutputAndMask());
  }

  @Override
  public KernelPlan kernelPlan(int tower) {
    List<TowerSlice> own = slicesOf(tower);
    long outputs = (long) own.get(0).outCount() * own.size();
    return new KernelPlan.Gemm(List.of(KernelPlan.line("IN", in.size(), "OUT_C", out.channels(), "OUT_H", 1, "OUT_W", 1)), "dense_forward", "",
        List.of(new KernelPlan.BatchTiles(), new KernelPlan.Tiles(outputs, 1), new KernelPlan.Count(1)), "dense_backward_weight",
        new KernelPlan.Tiles(outputs, 1), false, "dense_backward_data", "",
        List.of(new KernelPlan.BatchTiles(), new KernelPlan.Tiles(in.size(), 1), new KernelPlan.Count(1)), true);
  }

  /** {@code dense}: relu, dropout, weight, bias; its input flattened in C, H, W order. */
  @Override
  public Description description() {
    return describedAs("dense");
  }
}
