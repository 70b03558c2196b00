package dev.netforge.processor.plan;

import dev.netforge.processor.model.Layer;
import dev.netforge.processor.model.Location;
import dev.netforge.processor.model.Op;
import dev.netforge.processor.model.Shape;
import java.util.ArrayList;
import java.util.List;

/**
 * A convolution, {@code groups} groups of {@code groupInputs} input channels each.
 *
 * @param reluDerivativeDeferred whether the stage right after it, an LRN or a max pooling, applies its ReLU's derivative
 *     in its own backward pass ({@link Stage#appliesReluDerivative}), so that the CPU engine's first backward pass here
 *     only sums the bias gradient; the CUDA engine's kernels apply the derivative here all the same (applying it twice
 *     changes nothing)
 */
public record Convolution(
    String layer,
    String paramPrefix,
    Shape in,
    Shape out,
    int kernel,
    int stride,
    int padding,
    int groups,
    boolean relu,
    double dropout,
    boolean reluDerivativeDeferred,
    double initialBias,
    List<TowerSlice> slices,
    Exchange exchange)
    implements Parametric {
  public Convolution {
    slices = List.copyOf(slices);
  }

  /**
   * Whether the stage right after this convolution may apply its ReLU's derivative: that stage is the only reader of
   * the output, and the derivative is the whole of the output's — a ReLU and no dropout mask, whose factor it would not
   * apply.
   */
  boolean canDeferReluDerivative() {
    return relu && dropout == 0 && !reluDerivativeDeferred;
  }

  /** This convolution with its ReLU's derivative left to the stage after it ({@link #canDeferReluDerivative}). */
  Convolution deferringReluDerivative() {
    return new Convolution(layer, paramPrefix, in, out, kernel, stride, padding, groups, relu, dropout, true, initialBias, slices, exchange);
  }

  /**
   * Checks {@code @Conv} {@code c} of {@code layer} on input {@code in} — its sizes, its groups against the channels
   * and the towers, the output's rounding — and plans it, each tower's slices of each group, with the ReLU and dropout
   * fused into its epilogue; {@code null} after reporting what is wrong.
   */
  static Convolution plan(Planning planning, Layer layer, Op.Conv c, Shape in, boolean relu, double dropout) {
    Location at = c.location();
    boolean ok = planning.positive(at.at("filters"), "filters", c.filters());
    ok &= planning.positive(at.at("kernel"), "kernel", c.kernel());
    ok &= planning.positive(at.at("stride"), "stride", c.stride());
    ok &= planning.positive(at.at("groups"), "groups", c.groups());
    if (c.padding() < 0) {
      planning.error(at.at("padding"), "padding = " + c.padding() + " must not be negative");
      ok = false;
    }
    if (!ok) {
      return null;
    }
    if (planning.sawDense()) {
      planning.error(at, "a convolution cannot follow a dense layer: its input " + in + " has no spatial extent");
      return null;
    }
    if (in.channels() % c.groups() != 0) {
      planning.error(
          at.at("groups"),
          "input channels " + in.channels() + " are not divisible by groups = " + c.groups() + Planning.suggestDivisor(in.channels(), c.groups()));
      ok = false;
    }
    if (c.filters() % c.groups() != 0) {
      planning.error(at.at("filters"), "filters = " + c.filters() + " is not divisible by groups = " + c.groups());
      ok = false;
    }
    int towers = planning.towers();
    if (c.filters() % towers != 0) {
      planning.error(at.at("filters"), "filters = " + c.filters() + " is not divisible by the network's " + towers + " towers; use " + Planning.roundUp(c.filters(), towers));
      ok = false;
    }
    if (c.groups() != 1 && c.groups() % towers != 0) {
      planning.error(at.at("groups"), "groups = " + c.groups() + " must be 1 or a multiple of the network's " + towers + " towers");
      ok = false;
    }
    if (!ok) {
      return null;
    }
    Integer h = planning.spatial(at, "", "height", in.height(), c.kernel(), c.stride(), c.padding(), c.rounding(), true, in.width() == in.height());
    Integer w = in.width() == in.height() ? h : planning.spatial(at, "", "width", in.width(), c.kernel(), c.stride(), c.padding(), c.rounding(), true, false);
    if (h == null || w == null) {
      return null;
    }
    Shape out = new Shape(c.filters(), h, w);
    int groupIn = in.channels() / c.groups();
    if (!planning.fitsOneArray(at.at("filters"), layer.method() + ": the weights [" + c.filters() + ", " + groupIn + ", " + c.kernel() + ", "
        + c.kernel() + "]", (long) c.filters() * groupIn * c.kernel() * c.kernel(), "use fewer filters, more groups or a smaller kernel")) {
      return null;
    }
    int groupOut = c.filters() / c.groups();
    List<TowerSlice> slices = new ArrayList<>();
    int perTower = c.filters() / towers;
    for (int t = 0; t < towers; t++) {
      for (int g = 0; g < c.groups(); g++) {
        int start = Math.max(g * groupOut, t * perTower);
        int end = Math.min((g + 1) * groupOut, (t + 1) * perTower);
        if (start < end) {
          slices.add(new TowerSlice(t, g * groupIn, groupIn, start, end - start));
        }
      }
    }
    Exchange exchange = towers > 1 && c.groups() == 1 && planning.splitOverTowers() ? new Exchange(in.size() * (towers - 1)) : null;
    return new Convolution(
        layer.method(), layer.paramPrefix(), in, out, c.kernel(), c.stride(), c.padding(), c.groups(), relu, dropout, false, c.bias(), slices,
        exchange);
  }

  @Override
  public int groupInputs() {
    return in.channels() / groups;
  }

  @Override
  public int fanIn() {
    return groupInputs() * kernel * kernel;
  }

  @Override
  public List<Integer> weightShape() {
    return List.of(out.channels(), groupInputs(), kernel, kernel);
  }

  @Override
  public String outputsName() {
    return "filters";
  }

  @Override
  public String describe(TowerSlice slice) {
    return "filters " + slice.outStart() + "–" + (slice.outStart() + slice.outCount() - 1) + " from input channels " + slice.inStart() + "–"
        + (slice.inStart() + slice.inCount() - 1);
  }

  @Override
  public String operation() {
    return "conv " + kernel + '×' + kernel + '/' + stride + " pad " + padding + (groups > 1 ? " groups " + groups : "") + epilogue();
  }

  @Override
  public RuntimeStage runtimeStage() {
    Argument.New geometry = new Argument.New("ConvShape", Argument.ints(in.channels(), in.height(), in.width(), out.channels(), out.height(),
        out.width(), kernel, stride, padding, groupInputs()));
    return new RuntimeStage("Conv2d", geometry, towerObjects(t -> List.of(new Argument.Geometry(), new Argument.Parameter(paramPrefix + ".weight"),
        new Argument.Parameter(paramPrefix + ".bias"), new Argument.Bool(relu), new Argument.Bool(reluDerivativeDeferred), new Argument.Scratch(t))),
        bindsOutputAndMask());
  }

  @Override
  public KernelPlan kernelPlan(int tower) {
    List<TowerSlice> own = slicesOf(tower);
    int slice = own.get(0).outCount();
    int runs = own.size();
    List<List<KernelPlan.Constant>> constants = List.of(KernelPlan.line("IN_C", in.channels(), "IN_H", in.height(), "IN_W", in.width()),
        KernelPlan.line("OUT_C", out.channels(), "OUT_H", out.height(), "OUT_W", out.width()),
        KernelPlan.line("KERNEL", kernel, "STRIDE", stride, "PAD", padding), KernelPlan.line("GROUP_IN", groupInputs(), "GROUP_OUT", out.channels() / groups));
    return new KernelPlan.Gemm(constants, "conv_forward", ", as an implicit GEMM",
        List.of(new KernelPlan.Tiles((long) out.height() * out.width(), 1), new KernelPlan.Tiles(slice, runs), new KernelPlan.Batch()),
        "conv_backward_weight", new KernelPlan.Tiles(slice, runs), true, "conv_backward_data", ", without im2col",
        List.of(new KernelPlan.Tiles((long) in.height() * in.width(), 1), new KernelPlan.Tiles(groupInputs(), runs), new KernelPlan.Batch()), false);
  }

  @Override
  public Description description() {
    return describedAs("convolution", "kernel", kernel, "stride", stride, "padding", padding, "groups", groups);
  }
}
