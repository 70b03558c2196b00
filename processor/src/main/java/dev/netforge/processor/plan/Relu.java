package dev.netforge.processor.plan;

import dev.netforge.processor.model.Shape;

/** A ReLU that could not be fused into a parametric epilogue (written after LRN or pooling). */
public record Relu(String layer, Shape in) implements ElementWise {
  @Override
  public String suffix() {
    return "Relu";
  }

  @Override
  public String operation() {
    return "ReLU";
  }

  @Override
  public <R> R accept(Visitor<R> visitor) {
    return visitor.relu(this);
  }
}
