package dev.netforge.processor.plan;

import dev.netforge.processor.model.Shape;
import java.util.List;

/**
 * One fused pass of the planned network, one record per op kind. Parametric stages absorb the element-wise operations
 * written right after them (ReLU, dropout) into their epilogue; LRN and pooling are single passes of their own.
 *
 * <p>Whatever depends on the kind goes through {@link Visitor}, so that adding a kind is a compile error in every
 * place that must handle it, never a fall-through into some other kind's branch.
 */
public sealed interface Stage {
  /** The declaring method. */
  String layer();

  Shape in();

  Shape out();

  /** Multiply-adds per example in the forward pass. */
  long macs();

  /** What the stage's buffers and methods add to the layer's name: {@code ""}, {@code "Lrn"}, {@code "Pool"}... */
  String suffix();

  /** What it computes, in one line: {@code conv 11×11/4 pad 0 + bias + ReLU}. */
  String operation();

  /** The dropout rate whose mask it applies (drawn before its forward pass in training), 0 when none. */
  default double maskRate() {
    return 0;
  }

  <R> R accept(Visitor<R> visitor);

  /** One method per op kind. */
  interface Visitor<R> {
    R convolution(Convolution s);

    R dense(Dense s);

    R lrn(Lrn s);

    R maxPool(MaxPool s);

    R avgPool(AvgPool s);

    R relu(Relu s);

    R dropout(Dropout s);
  }

  /**
   * A convolution or dense layer with its fused epilogue: what both kinds share.
   *
   * <p>{@code slices} say what each tower computes; {@code exchange} is the all-gather its input needs (and the reduce
   * of the input gradient), or {@code null} when every tower already holds what it reads.
   */
  sealed interface Parametric extends Stage {
    /** Parameter-name prefix ({@code <prefix>.weight}, {@code <prefix>.bias}). */
    String paramPrefix();

    boolean relu();

    /** Fused dropout rate, 0 when none. */
    double dropout();

    double initialBias();

    List<TowerSlice> slices();

    Exchange exchange();

    /** Input channels (or features) one output reads. */
    int groupInputs();

    /** Fan-in of one output: the inputs one weight row multiplies. */
    int fanIn();

    /** {@code <prefix>.weight}'s shape in PyTorch's layout. */
    List<Integer> weightShape();

    /** What one output is called: {@code "filters"} or {@code "units"}. */
    String outputsName();

    /** What tower slice {@code slice} computes: {@code "filters 0–47 from input channels 0–2"}. */
    String describe(TowerSlice slice);

    default long weightCount() {
      return (long) out().channels() * fanIn();
    }

    default long parameterCount() {
      return weightCount() + out().channels();
    }

    @Override
    default long macs() {
      return out().size() * fanIn();
    }

    @Override
    default String suffix() {
      return "";
    }

    @Override
    default double maskRate() {
      return dropout();
    }

    /** The epilogue's part of {@link #operation}: {@code " + bias + ReLU + dropout 0.5"}. */
    default String epilogue() {
      return " + bias" + (relu() ? " + ReLU" : "") + (dropout() > 0 ? " + dropout " + Text.number(dropout()) : "");
    }
  }

  /** A convolution, {@code groups} groups of {@code groupInputs} input channels each. */
  record Convolution(
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

  /** A dense layer over the input flattened in C, H, W order. */
  record Dense(
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

  /**
   * Local response normalization within each tower's channels.
   *
   * @param towers how many towers its channels are split over: the network's tower count, or 1 before the first
   *     parametric layer, where the input is whole on every tower and the window spans all of its channels
   */
  record Lrn(String layer, Shape in, int size, double alpha, double beta, double k, int towers) implements Stage {
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

  /**
   * Max pooling, recording the arg-max for the backward pass.
   *
   * @param towers how many towers its channels are split over: the network's tower count, or 1 before the first
   *     parametric layer, where the input is whole on every tower
   */
  record MaxPool(String layer, Shape in, Shape out, int kernel, int stride, int towers) implements Stage {
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

  /**
   * Average pooling, {@code count_include_pad}: each window's sum over {@code kernel²}, zero padding counted.
   *
   * @param towers how many towers its channels are split over: the network's tower count, or 1 before the first
   *     parametric layer, where the input is whole on every tower
   */
  record AvgPool(String layer, Shape in, Shape out, int kernel, int stride, int padding, int towers) implements Stage {
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

  /** A ReLU that could not be fused into a parametric epilogue (written after LRN or pooling). */
  record Relu(String layer, Shape in) implements Stage {
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

  /** Inverted dropout that could not be fused into a parametric epilogue. */
  record Dropout(String layer, Shape in, double rate) implements Stage {
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
}
