package dev.netforge.processor.plan;

import dev.netforge.processor.model.Shape;

/**
 * Local response normalization within each tower's channels.
 *
 * @param towers how many towers its channels are split over: the network's tower count, or 1 before the first
 *     parametric layer, where the input is whole on every tower and the window spans all of its channels
 */
public record Lrn(String layer, Shape in, int size, double alpha, double beta, double k, int towers) implements Stage {
  @Override
  public Shape out() {
    return in;
  }

  @Override
  public long macs() {
    return in.size() * (size + 2L);
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
  public <R> R accept(Visitor<R> visitor) {
    return visitor.lrn(this);
  }
}
