package dev.netforge.runtime.data;

import dev.netforge.runtime.CounterRandom;
import dev.netforge.runtime.Rng;

/**
 * The random choices of one training epoch, each a function of (seed, epoch, example) through {@link CounterRandom}
 * rather than a place in one sequential stream: the order the examples are visited in, and each example's own
 * generator for its flip, crop and colour noise, keyed by its index in the data set. So whichever process, thread or
 * batch handles an example draws the same for it, and a resumed run needs only the seed and the epoch.
 *
 * @param seed the run's data seed (saved in checkpoints)
 * @param epoch the epoch, from 1
 */
public record EpochRandom(long seed, int epoch) {
  /** Stream tags: the shuffle and the examples' generators must not share draws. */
  private static final long ORDER = 1;
  private static final long EXAMPLE = 2;

  /** The examples {@code 0 .. count-1} in this epoch's order: a Fisher–Yates shuffle whose i-th draw is counter i. */
  public int[] order(int count) {
    int[] order = new int[count];
    for (int i = 0; i < count; i++) {
      order[i] = i;
    }
    long key = CounterRandom.key(seed, epoch, ORDER);
    for (int i = count - 1; i > 0; i--) {
      int j = CounterRandom.below(key, i, i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    return order;
  }

  /** Example {@code index}'s generator for this epoch: what its augmentation draws, in whatever order it needs them. */
  public Rng example(int index) {
    return new Rng(CounterRandom.key(seed, epoch, EXAMPLE, index));
  }
}
