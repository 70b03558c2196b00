package dev.netforge.runtime.gemm;

/**
 * An order in which {@link Sgemm#parallel} may sum over k: a leaf {@code [lo, hi)} in k's order, in one run of the
 * micro-kernel; any other range as its left part's sum plus its right part's, split at {@link #middle}. A layer that
 * fixes the order of its batch sums (the dense layers' weight gradients) hands it to the GEMM, which then sums every
 * tile of C in that order while the tile is in registers and cache, and writes C once.
 */
public interface SumTree {
  /** Whether {@code [lo, hi)} is summed in k's order rather than split. */
  boolean isLeaf(int lo, int hi);

  /** Where {@code [lo, hi)} is split: its left part is {@code [lo, middle)}. */
  int middle(int lo, int hi);
}
