package dev.netforge.processor.plan;

import dev.netforge.processor.model.Shape;
import java.util.List;

/**
 * One fused pass of the planned network, one record per op kind, each in its own file with its checks and shape
 * inference ({@code plan}). Parametric stages absorb the element-wise operations written right after them (ReLU,
 * dropout) into their epilogue; LRN and pooling are single passes of their own.
 *
 * <p>Whatever depends on the kind is a method the kind's record implements — its checks and shapes, the buffers it
 * keeps, its runtime stage on the CPU ({@link #runtimeStage}), its kernels on CUDA ({@link #kernelPlan}) and its
 * description ({@link #description}) — as engine-neutral data that the emitters print without knowing the kind. So a
 * new kind is one new record, which the compiler holds to every one of these, and no change to any emitter.
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

  /**
   * Whether its CPU backward pass also applies the ReLU derivative of the convolution before it, whose output it reads
   * ({@link Convolution#reluDerivativeDeferred}): an LRN or a max pooling right after a convolution's ReLU.
   */
  default boolean appliesReluDerivative() {
    return false;
  }

  /** The dropout rate whose mask it applies (drawn before its forward pass in training), 0 when none. */
  default double maskRate() {
    return 0;
  }

  /** The runtime stage the CPU engine runs it with: its class, the arguments of its objects and what they bind. */
  RuntimeStage runtimeStage();

  /** How the CUDA engine runs it on tower {@code tower}: its kernels' templates, constants, grids and arguments. */
  KernelPlan kernelPlan(int tower);

  /** Its kind and attributes as the network description names them. */
  Description description();
}
