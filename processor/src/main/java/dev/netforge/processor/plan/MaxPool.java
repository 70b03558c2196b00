package dev.netforge.processor.plan;

import dev.netforge.processor.model.Shape;

/**
 * Max pooling, recording the arg-max for the backward pass.
 *
 * @param towers how many towers its channels are split over: the network's tower count, or 1 before the first
 *     parametric layer, where the input is whole on every tower
 */
public record MaxPool(String layer, Shape in, Shape out, int kernel, int stride, int towers) implements Stage {
  @Override
  public long macs() {
    return 0;
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
  public <R> R accept(Visitor<R> visitor) {
    return visitor.maxPool(this);
  }
}
