package dev.netforge.runtime.distributed;

/**
 * The examples one process computes in an epoch of data-parallel training: of every global batch of {@code n}
 * examples, rank {@code r} of {@code P} takes the contiguous share {@code [n·r/P, n·(r+1)/P)}, so ranks 0 to P−1
 * together compute each batch in its order and the last, shorter batch too.
 *
 * @param order the indices of this process's examples, batch after batch
 * @param sizes how many of them each step takes (0 where the batch is smaller than the ranks)
 */
public record BatchShare(int[] order, int[] sizes) {
  /** Rank {@code rank}'s share of {@code globalOrder} in global batches of {@code batch}. */
  public static BatchShare of(int[] globalOrder, int batch, int rank, int ranks) {
    if (batch <= 0 || ranks <= 0 || rank < 0 || rank >= ranks) {
      throw new IllegalArgumentException("rank " + rank + " of " + ranks + " ranks, batch " + batch);
    }
    int count = globalOrder.length;
    int steps = (count + batch - 1) / batch;
    int[] sizes = new int[steps];
    int[] order = new int[count];
    int taken = 0;
    for (int s = 0; s < steps; s++) {
      int start = s * batch;
      int n = Math.min(batch, count - start);
      int lo = start + (int) ((long) n * rank / ranks);
      int hi = start + (int) ((long) n * (rank + 1) / ranks);
      System.arraycopy(globalOrder, lo, order, taken, hi - lo);
      sizes[s] = hi - lo;
      taken += hi - lo;
    }
    return new BatchShare(java.util.Arrays.copyOf(order, taken), sizes);
  }
}
