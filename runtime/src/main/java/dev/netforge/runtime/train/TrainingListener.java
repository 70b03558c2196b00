package dev.netforge.runtime.train;

/** What a training run reports as it goes: the CLI draws a progress bar and writes the CSV and plot from it. */
public interface TrainingListener {
  /** After each step. */
  default void step(int epoch, int stepInEpoch, int stepsPerEpoch, double loss, double accuracy, double imagesPerSecond) {}

  /** After each epoch's evaluation and checkpoint. */
  default void epoch(EpochResult result) {}

  /** Seconds this epoch's steps have waited for data so far, reported before each step. */
  default void dataWait(double seconds) {}
}
