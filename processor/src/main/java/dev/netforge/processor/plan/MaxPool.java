package dev.netforge.processor.plan;

import dev.netforge.processor.model.Layer;
import dev.netforge.processor.model.Location;
import dev.netforge.processor.model.Op;
import dev.netforge.processor.model.Shape;
import java.util.List;

/**
 * Max pooling, recording the arg-max for the backward pass.
 *
 * <p>{@code towers}: see {@link TowerSplit#towers}.
 *
 * @param appliesReluDerivative whether the CPU engine's backward pass also applies the ReLU derivative of the
 *     convolution before it ({@link Convolution#reluDerivativeDeferred}): a window's gradient reaches its arg-max only
 *     where its maximum is above 0, which is that ReLU's derivative there, and every other input's gradient is 0
 */
public record MaxPool(String layer, Shape in, Shape out, int kernel, int stride, int towers, boolean appliesReluDerivative) implements TowerSplit {
  /** Checks {@code @MaxPool} {@code p} of {@code layer} and plans it on input {@code in}; {@code null} after reporting what is wrong. */
  static MaxPool plan(Planning planning, Layer layer, Op.MaxPool p, Shape in) {
    Location at = p.location();
    boolean ok = planning.positive(at.at("kernel"), "kernel", p.kernel());
    ok &= planning.positive(at.at("stride"), "stride", p.stride());
    if (!ok) {
      return null;
    }
    if (in.isFlat() && planning.sawDense()) {
      planning.error(at, "max pooling cannot follow a dense layer: its input " + in + " has no spatial extent");
      return null;
    }
    Integer h = planning.spatial(at, "max pool ", "height", in.height(), p.kernel(), p.stride(), 0, p.rounding(), false, in.width() == in.height());
    Integer w = in.width() == in.height() ? h : planning.spatial(at, "max pool ", "width", in.width(), p.kernel(), p.stride(), 0, p.rounding(), false, false);
    if (h == null || w == null) {
      return null;
    }
    Shape out = new Shape(in.channels(), h, w);
    return new MaxPool(layer.method(), in, out, p.kernel(), p.stride(), planning.channelTowers(), false);
  }

  /** This max pooling applying the ReLU derivative of the convolution before it ({@link Convolution#deferringReluDerivative}). */
  MaxPool applyingReluDerivative() {
    return new MaxPool(layer, in, out, kernel, stride, towers, true);
  }

  @Override
  public long macs() {
    return 0;
  }

  @Override
  public List<Schedule.Role> kept() {
    return List.of(Schedule.Role.ARGMAX);
  }

  @Override
  public String suffix() {
    return "Pool";
  }

  @Override
  public String operation() {
    return "max pool " + kernel + '×' + kernel + '/' + stride + (stride < kernel ? " (overlapping)" : "");
  }

  @Override
  public RuntimeStage runtimeStage() {
    Argument.New geometry = new Argument.New("PoolShape", Argument.ints(in.channels(), in.height(), in.width(), out.height(), out.width(), kernel,
        stride));
    return new RuntimeStage("MaxPool2d", geometry, channelObjects(new Argument.Bool(appliesReluDerivative)),
        List.of(Argument.INPUT, Argument.OUTPUT, new Argument.Buffer(Schedule.Role.ARGMAX)));
  }

  @Override
  public KernelPlan kernelPlan(int tower) {
    Argument argmax = new Argument.Buffer(Schedule.Role.ARGMAX);
    return new KernelPlan.Pass(List.of(KernelPlan.line("IN_PLANE", (long) in.height() * in.width(), "IN_W", in.width(), "OUT_H", out.height(),
            "OUT_W", out.width(), "KERNEL", kernel, "STRIDE", stride)),
        KernelPlan.Launch.of("max_pool_forward", operation() + ", keeping the arg-max", false, "x", Argument.INPUT, "y", Argument.OUTPUT, "argmax",
            argmax, "batch", Argument.BATCH),
        KernelPlan.Launch.of("max_pool_backward", ": each input sums the windows that chose it", true, "dy", Argument.GRADIENT, "argmax", argmax,
            "dx", Argument.INPUT_GRADIENT, "batch", Argument.BATCH));
  }

  @Override
  public Description description() {
    return Description.of("maxPool", "kernel", kernel, "stride", stride);
  }
}
