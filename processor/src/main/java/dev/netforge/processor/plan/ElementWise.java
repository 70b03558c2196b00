package dev.netforge.processor.plan;

import dev.netforge.processor.model.Shape;

/**
 * A ReLU or dropout that could not be fused into a parametric epilogue: its output has its input's shape, it costs no
 * multiply-adds, and, being element-wise, one pass over whole tensors serves every tower.
 */
public sealed interface ElementWise extends Stage permits Relu, Dropout {
  @Override
  default Shape out() {
    return in();
  }

  @Override
  default long macs() {
    return 0;
  }

  @Override
  default boolean perTower(int towers) {
    return false;
  }
}
