package dev.netforge.processor.plan;

import dev.netforge.processor.model.Layer;
import dev.netforge.processor.model.Location;
import dev.netforge.processor.model.Op;
import dev.netforge.processor.model.Shape;
import java.util.List;

/**
 * Average pooling, {@code count_include_pad}: each window's sum over {@code kernel²}, zero padding counted.
 *
 * <p>{@code towers}: see {@link TowerSplit#towers}.
 */
public record AvgPool(String layer, Shape in, Shape out, int kernel, int stride, int padding, int towers) implements TowerSplit {
  /** Checks {@code @AvgPool} {@code p} of {@code layer} and plans it on input {@code in}; {@code null} after reporting what is wrong. */
  static AvgPool plan(Planning planning, Layer layer, Op.AvgPool p, Shape in) {
    Location at = p.location();
    boolean ok = planning.positive(at.at("kernel"), "kernel", p.kernel());
    ok &= planning.positive(at.at("stride"), "stride", p.stride());
    if (p.padding() < 0 || p.padding() > p.kernel() / 2) {
      planning.error(at.at("padding"), "padding = " + p.padding() + " must be between 0 and half the kernel, " + Math.max(0, p.kernel() / 2)
          + " (a window may not lie in the padding alone)");
      ok = false;
    }
    if (!ok) {
      return null;
    }
    if (in.isFlat() && planning.sawDense()) {
      planning.error(at, "average pooling cannot follow a dense layer: its input " + in + " has no spatial extent");
      return null;
    }
    boolean square = in.width() == in.height();
    Integer h = planning.spatial(at, "average pool ", "height", in.height(), p.kernel(), p.stride(), p.padding(), p.rounding(), true, square);
    Integer w = square ? h : planning.spatial(at, "average pool ", "width", in.width(), p.kernel(), p.stride(), p.padding(), p.rounding(), true, false);
    if (h == null || w == null) {
      return null;
    }
    Shape out = new Shape(in.channels(), h, w);
    return new AvgPool(layer.method(), in, out, p.kernel(), p.stride(), p.padding(), planning.channelTowers());
  }

  @Override
  public long macs() {
    return 0;
  }

  @Override
  public String suffix() {
    return "AvgPool";
  }

  @Override
  public String operation() {
    return "avg pool " + kernel + '×' + kernel + '/' + stride + (padding > 0 ? " pad " + padding : "");
  }

  @Override
  public RuntimeStage runtimeStage() {
    Argument.New geometry = new Argument.New("PoolShape", Argument.ints(in.channels(), in.height(), in.width(), out.height(), out.width(), kernel,
        stride, padding));
    return new RuntimeStage("AvgPool2d", geometry, channelObjects(), List.of(Argument.INPUT, Argument.OUTPUT));
  }

  @Override
  public KernelPlan kernelPlan(int tower) {
    return new KernelPlan.Pass(List.of(KernelPlan.line("IN_H", in.height(), "IN_W", in.width(), "OUT_H", out.height(), "OUT_W", out.width(),
            "KERNEL", kernel, "STRIDE", stride, "PAD", padding)),
        KernelPlan.Launch.of("avg_pool_forward", operation() + ", padding counted", false, "x", Argument.INPUT, "y", Argument.OUTPUT, "batch",
            Argument.BATCH),
        KernelPlan.Launch.of("avg_pool_backward", ": each input sums the windows that hold it", true, "dy", Argument.GRADIENT, "dx",
            Argument.INPUT_GRADIENT, "batch", Argument.BATCH));
  }

  /** {@code avgPool}: kernel, stride, padding (padding counted in each window's average). */
  @Override
  public Description description() {
    return Description.of("avgPool", "kernel", kernel, "stride", stride, "padding", padding);
  }
}
