package dev.netforge.processor.plan;

import dev.netforge.processor.model.Shape;

/** Inverted dropout that could not be fused into a parametric epilogue. */
public record Dropout(String layer, Shape in, double rate) implements Stage {
  @Override
  public Shape out() {
    return in;
  }

  @Override
  public long macs() {
    return 0;
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
