package dev.netforge.processor.plan;

import dev.netforge.processor.model.Shape;
import java.util.List;

/** A convolution, {@code groups} groups of {@code groupInputs} input channels each. */
public record Convolution(
    String layer,
    String paramPrefix,
    Shape in,
    Shape out,
    int kernel,
    int stride,
    int padding,
    int groups,
    boolean relu,
    double dropout,
    double initialBias,
    List<TowerSlice> slices,
    Exchange exchange)
    implements Parametric {
  public Convolution {
    slices = List.copyOf(slices);
  }

  @Override
  public int groupInputs() {
    return in.channels() / groups;
  }

  @Override
  public int fanIn() {
    return groupInputs() * kernel * kernel;
  }

  @Override
  public List<Integer> weightShape() {
    return List.of(out.channels(), groupInputs(), kernel, kernel);
  }

  @Override
  public String outputsName() {
    return "filters";
  }

  @Override
  public String describe(TowerSlice slice) {
    return "filters " + slice.outStart() + "–" + (slice.outStart() + slice.outCount() - 1) + " from input channels " + slice.inStart() + "–"
        + (slice.inStart() + slice.inCount() - 1);
  }

  @Override
  public String operation() {
    return "conv " + kernel + '×' + kernel + '/' + stride + " pad " + padding + (groups > 1 ? " groups " + groups : "") + epilogue();
  }

  @Override
  public <R> R accept(Visitor<R> visitor) {
    return visitor.convolution(this);
  }
}
