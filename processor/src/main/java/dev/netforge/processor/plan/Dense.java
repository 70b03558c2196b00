package dev.netforge.processor.plan;

import dev.netforge.processor.model.Shape;
import java.util.List;

/** A dense layer over the input flattened in C, H, W order. */
public record Dense(
    String layer,
    String paramPrefix,
    Shape in,
    Shape out,
    boolean relu,
    double dropout,
    double initialBias,
    List<TowerSlice> slices,
    Exchange exchange)
    implements Parametric {
  public Dense {
    slices = List.copyOf(slices);
  }

  @Override
  public int groupInputs() {
    return Math.toIntExact(in.size());
  }

  @Override
  public int fanIn() {
    return groupInputs();
  }

  @Override
  public List<Integer> weightShape() {
    return List.of(out.channels(), fanIn());
  }

  @Override
  public String outputsName() {
    return "units";
  }

  @Override
  public String describe(TowerSlice slice) {
    return "units " + slice.outStart() + "–" + (slice.outStart() + slice.outCount() - 1) + " from all " + slice.inCount() + " inputs";
  }

  @Override
  public String operation() {
    return "dense " + in.size() + " → " + out.channels() + epilogue();
  }

  @Override
  public <R> R accept(Visitor<R> visitor) {
    return visitor.dense(this);
  }
}
