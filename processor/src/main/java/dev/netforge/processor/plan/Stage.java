package dev.netforge.processor.plan;

import dev.netforge.processor.model.Shape;
import java.util.List;

/**
 * One fused pass of the planned network, one record per op kind, each in its own file with its checks and shape
 * inference ({@code plan}). Parametric stages absorb the element-wise operations written right after them (ReLU,
 * dropout) into their epilogue; LRN and pooling are single passes of their own.
 *
 * <p>Whatever depends on the kind goes through {@link Visitor}, so that adding a kind is a compile error in every
 * place that must handle it, never a fall-through into some other kind's branch.
 */
public sealed interface Stage permits Parametric, TowerSplit, ElementWise {
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

  /**
   * Whether it runs on each tower's own channels (one object per tower on the CPU) rather than once over whole tensors.
   *
   * @param towers the network's tower count
   */
  boolean perTower(int towers);

  /** The buffers besides its output, its gradient and a dropout mask that it keeps from forward for its backward pass. */
  default List<Schedule.Role> kept() {
    return List.of();
  }

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
}
