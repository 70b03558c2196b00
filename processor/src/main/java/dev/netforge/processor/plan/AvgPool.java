package dev.netforge.processor.plan;

import dev.netforge.processor.model.Shape;

/**
 * Average pooling, {@code count_include_pad}: each window's sum over {@code kernel²}, zero padding counted.
 *
 * @param towers how many towers its channels are split over: the network's tower count, or 1 before the first
 *     parametric layer, where the input is whole on every tower
 */
public record AvgPool(String layer, Shape in, Shape out, int kernel, int stride, int padding, int towers) implements Stage {
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
  public <R> R accept(Visitor<R> visitor) {
    return visitor.avgPool(this);
  }
}
