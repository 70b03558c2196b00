package dev.netforge.processor.plan;

import dev.netforge.processor.model.Op;
import dev.netforge.processor.model.Shape;
import java.util.List;

/** Inverted dropout that could not be fused into a parametric epilogue. */
public record Dropout(String layer, Shape in, double rate) implements ElementWise {
  /** Whether {@code @Dropout} {@code d}'s rate is in [0, 1); reports it on the annotation when not. */
  static boolean checkRate(Planning planning, Op.Dropout d) {
    if (!(d.rate() >= 0 && d.rate() < 1)) {
      planning.error(d.location().at("value"), "dropout rate " + d.rate() + " is outside [0, 1)");
      return false;
    }
    return true;
  }

  @Override
  public String suffix() {
    return "Dropout";
  }

  @Override
  public String operation() {
    return "dropout " + Text.number(rate);
  }

  @Override
  public double maskRate() {
    return rate;
  }

  @Override
  public RuntimeStage runtimeStage() {
    return new RuntimeStage("Dropout", null, List.of(List.of(new Argument.Int(in.size()))),
        List.of(Argument.INPUT, Argument.OUTPUT, Argument.maskOf(this)));
  }

  @Override
  public KernelPlan kernelPlan(int tower) {
    Argument mask = Argument.maskOf(this);
    return new KernelPlan.Pass(List.of(),
        KernelPlan.Launch.of("dropout_forward", operation(), false, "x", Argument.INPUT, "mask", mask, "y", Argument.OUTPUT, "batch", Argument.BATCH),
        KernelPlan.Launch.of("dropout_backward", "", false, "mask", mask, "dy", Argument.GRADIENT, "dx", Argument.INPUT_GRADIENT, "batch",
            Argument.BATCH));
  }

  @Override
  public Description description() {
    return Description.of("dropout", "rate", rate);
  }
}
