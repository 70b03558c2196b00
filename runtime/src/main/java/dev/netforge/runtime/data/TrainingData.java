package dev.netforge.runtime.data;

import java.io.IOException;

/** Labelled examples the trainer and the evaluation draw batches from, in an order they choose. */
public interface TrainingData {
  /** Examples in the set. */
  int count();

  /** Network inputs each example becomes: 1, or 10 for 10-crop testing (its views follow one another). */
  default int views() {
    return 1;
  }

  /**
   * Starts a pass over {@code order} (or the examples in turn when it is null) in batches of {@code batch}.
   *
   * @param random the epoch's draws, which decide each example's augmentation by its index in the set (so a resumed or
   *     sharded run draws the same), or {@code null} for none
   */
  default Epoch epoch(int[] order, int batch, EpochRandom random) {
    int count = order == null ? count() : order.length;
    int[] sizes = new int[(count + batch - 1) / batch];
    for (int s = 0; s < sizes.length; s++) {
      sizes[s] = Math.min(batch, count - s * batch);
    }
    return epoch(order, sizes, random);
  }

  /**
   * Starts a pass over {@code order} (or the examples in turn when it is null) whose batch {@code k} takes the next
   * {@code sizes[k]} examples (a process's shares of data-parallel batches differ by one, and may be empty).
   *
   * @param random as for {@link #epoch(int[], int, EpochRandom)}
   */
  Epoch epoch(int[] order, int[] sizes, EpochRandom random);

  /** One pass: the batches in order. */
  interface Epoch extends AutoCloseable {
    /**
     * Fills the next batch: {@code views()} inputs per example into {@code x}, one label per example.
     *
     * @return the examples in it, which is fewer than the batch where files could not be decoded, and 0 after the last
     */
    int next(float[] x, int[] labels) throws IOException;

    /** Seconds the caller has spent waiting for data in {@link #next} so far. */
    default double waitSeconds() {
      return 0;
    }

    @Override
    default void close() {}
  }
}
