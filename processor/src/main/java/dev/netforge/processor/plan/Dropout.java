package dev.netforge.processor.plan;

import dev.netforge.processor.model.Op;
import dev.netforge.processor.model.Shape;

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
  public <R> R accept(Visitor<R> visitor) {
    return visitor.dropout(this);
  }
}
