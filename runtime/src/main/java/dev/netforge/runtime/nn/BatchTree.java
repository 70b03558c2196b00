package dev.netforge.runtime.nn;

import dev.netforge.runtime.gemm.SumTree;

/**
 * The one order in which a layer sums over the examples of a batch (its weight and bias gradients), so that a batch's
 * gradient has the same bits however the work is cut: over worker threads, and over the ranks of data-parallel
 * training.
 *
 * <p>The examples {@code [lo, hi)} are halved, the first half {@code ⌊(hi − lo)/2⌋} long, and the halves halved again
 * until a part holds at most {@code leaf} examples. A leaf is summed in example order; every other node is its left
 * half's float sum plus its right half's. Two ranks cut a global batch of n examples at {@code ⌊n/2⌋}
 * ({@code distributed.BatchShare}), which is this tree's first cut when {@code n > leaf}: each rank's sum over its
 * share is one half, MPI adds the two halves, and the two-rank gradient equals the one-process gradient bit for bit.
 * (With four ranks each share is a quarter of the tree when {@code n/4 > leaf}, but MPI does not promise in which
 * order it adds four partial sums.)
 *
 * <p>Like pairwise summation, the tree also keeps the rounding error of a sum over many examples small. Methods are
 * static and recursive so that a training step allocates nothing.
 */
final class BatchTree {
  /** {@link #longLeaf}'s leaf for a global batch of up to twice it (the default job's 64: halves of one leaf each). */
  static final int LONG_LEAF = 32;

  /** {@link #longLeaf}'s leaf for a larger global batch. */
  static final int LONGER_LEAF = 64;

  private BatchTree() {}

  /**
   * The leaf of the sums that run long (the dense layers' weight gradients, the Winograd convolutions'): {@value
   * #LONGER_LEAF} examples where the global batch holds more than twice {@value #LONG_LEAF}, else {@value #LONG_LEAF}.
   * Fewer, longer leaves pay there: each leaf's sum is finished on its own (a Winograd leaf's sums M_ξ transformed back,
   * a dense tile's leaves added in L1). The global batch decides, not the share one process computes, so that
   * each of two ranks cuts its half as the one-process tree cuts that half; the root is always cut (a batch of 64 into
   * two leaves of 32, 128 into two of 64), so the halves are the tree's first cut.
   */
  static int longLeaf(int globalBatch) {
    return globalBatch > 2 * LONG_LEAF ? LONGER_LEAF : LONG_LEAF;
  }

  /** Whether {@code [lo, hi)} is summed in example order rather than halved. */
  static boolean isLeaf(int lo, int hi, int leaf) {
    return hi - lo <= leaf;
  }

  /** Where {@code [lo, hi)} is halved: its first half is {@code ⌊(hi − lo)/2⌋} examples long. */
  static int middle(int lo, int hi) {
    return lo + (hi - lo) / 2;
  }

  /**
   * This order with leaves of {@code leaf} examples, for a GEMM that sums over examples itself ({@link
   * dev.netforge.runtime.gemm.Sgemm#parallel}): the tree over {@code [lo, hi)} has the shape of the one over {@code [0,
   * hi − lo)}, so the GEMM may count from its own first example.
   */
  static SumTree withLeaves(int leaf) {
    return new SumTree() {
      @Override
      public boolean isLeaf(int lo, int hi) {
        return BatchTree.isLeaf(lo, hi, leaf);
      }

      @Override
      public int middle(int lo, int hi) {
        return BatchTree.middle(lo, hi);
      }
    };
  }

  /** How many leaves the tree over {@code [lo, hi)} has. */
  static int leafCount(int lo, int hi, int leaf) {
    if (isLeaf(lo, hi, leaf)) {
      return 1;
    }
    int mid = middle(lo, hi);
    return leafCount(lo, mid, leaf) + leafCount(mid, hi, leaf);
  }

  /**
   * Writes the first example of every leaf over {@code [lo, hi)}, left to right, into {@code starts} from index {@code
   * next}; returns the index after the last one written.
   */
  static int leafStarts(int lo, int hi, int leaf, int[] starts, int next) {
    if (isLeaf(lo, hi, leaf)) {
      starts[next] = lo;
      return next + 1;
    }
    int mid = middle(lo, hi);
    return leafStarts(mid, hi, leaf, starts, leafStarts(lo, mid, leaf, starts, next));
  }
}
