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
 */
public record Lrn(String layer, Shape in, int size, double alpha, double beta, double k, int towers) implements TowerSplit {
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
    return new Lrn(layer.method(), in, l.size(), l.alpha(), l.beta(), l.k(), planning.channelTowers());
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
  public <R> R accept(Visitor<R> visitor) {
    return visitor.lrn(this);
  }
}
