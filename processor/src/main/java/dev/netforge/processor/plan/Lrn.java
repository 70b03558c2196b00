package dev.netforge.processor.plan;

import dev.netforge.processor.model.Layer;
import dev.netforge.processor.model.Location;
import dev.netforge.processor.model.Op;
import dev.netforge.processor.model.Shape;
import java.util.List;

/**
 * Local response normalization within each tower's channels.
 *
 * @param towers how many towers its channels are split over: the network's tower count, or 1 before the first
 *     parametric layer, where the input is whole on every tower and the window spans all of its channels
 * @param appliesReluDerivative whether the CPU engine's backward pass also applies the ReLU derivative of the
 *     convolution before it, as it writes the input gradient ({@link Convolution#reluDerivativeDeferred}): that
 *     convolution's own pass over the gradient then only reads it, for its bias gradient, where it read the gradient
 *     and the output and wrote the gradient again
 */
public record Lrn(String layer, Shape in, int size, double alpha, double beta, double k, int towers, boolean appliesReluDerivative)
    implements TowerSplit {
  /** Checks {@code @Lrn} {@code l} of {@code layer} and plans it on input {@code in}; {@code null} after reporting what is wrong. */
  static Lrn plan(Planning planning, Layer layer, Op.Lrn l, Shape in) {
    Location at = l.location();
    if (l.size() <= 0 || l.size() % 2 == 0) {
      planning.error(at.at("size"), "size = " + l.size() + " must be a positive odd number of channels (the window is centred)");
      return null;
    }
    if (!(l.k() > 0) || !(l.alpha() >= 0) || !(l.beta() > 0)) {
      planning.error(at, "LRN needs k > 0, alpha >= 0 and beta > 0 (got k = " + l.k() + ", alpha = " + l.alpha() + ", beta = " + l.beta() + ")");
      return null;
    }
    return new Lrn(layer.method(), in, l.size(), l.alpha(), l.beta(), l.k(), planning.channelTowers(), false);
  }

  /** This LRN applying the ReLU derivative of the convolution before it ({@link Convolution#deferringReluDerivative}). */
  Lrn applyingReluDerivative() {
    return new Lrn(layer, in, size, alpha, beta, k, towers, true);
  }

  @Override
  public Shape out() {
    return in;
  }

  @Override
  public long macs() {
    return in.size() * (size + 2L);
  }

  @Override
  public List<Schedule.Role> kept() {
    return List.of(Schedule.Role.LRN_SCALE);
  }

  @Override
  public String suffix() {
    return "Lrn";
  }

  @Override
  public String operation() {
    return "LRN size " + size + ", α " + Text.number(alpha) + ", β " + Text.number(beta) + ", k " + Text.number(k)
        + (towers > 1 ? ", within each tower" : "");
  }

  @Override
  public RuntimeStage runtimeStage() {
    Argument.New geometry = new Argument.New("LrnShape", List.of(new Argument.Int(in.channels()), new Argument.Int((long) in.height() * in.width()),
        new Argument.Int(size), new Argument.Real((float) alpha), new Argument.Real((float) beta), new Argument.Real((float) k),
        new Argument.Int(towers)));
    return new RuntimeStage("LocalResponseNorm", geometry,
        RuntimeStage.eachTower(
            towers, t -> List.of(new Argument.Geometry(), new Argument.Int(t), new Argument.Bool(appliesReluDerivative), new Argument.Scratch(t))),
        List.of(Argument.INPUT, Argument.OUTPUT, new Argument.Buffer(Schedule.Role.LRN_SCALE)));
  }

  @Override
  public KernelPlan kernelPlan(int tower) {
    Argument scale = new Argument.Buffer(Schedule.Role.LRN_SCALE);
    return new KernelPlan.Pass(List.of(KernelPlan.line("SIZE", size), KernelPlan.line("ALPHA", (float) alpha, "BETA", (float) beta, "K", (float) k)),
        KernelPlan.Launch.of("lrn_forward", operation(), false, "a", Argument.INPUT, "b", Argument.OUTPUT, "scale", scale, "batch", Argument.BATCH),
        KernelPlan.Launch.of("lrn_backward", "", false, "a", Argument.INPUT, "b", Argument.OUTPUT, "scale", scale, "g", Argument.GRADIENT, "da",
            Argument.INPUT_GRADIENT, "batch", Argument.BATCH));
  }

  /**
   * {@code lrn}: size, alpha — the paper's, not divided by size — beta, k, and towers: the window stays within each of
   * that many equal channel groups.
   */
  @Override
  public Description description() {
    return Description.of("lrn", "size", size, "alpha", alpha, "beta", beta, "k", k, "towers", towers);
  }
}
