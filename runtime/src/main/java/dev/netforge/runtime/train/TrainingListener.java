package dev.netforge.runtime.train;

import java.util.List;

/** What a training run reports as it goes: the CLI draws a progress bar and writes the CSV and plot from it. */
public interface TrainingListener {
  /** After each step. */
  default void step(int epoch, int stepInEpoch, int stepsPerEpoch, double loss, double accuracy, double imagesPerSecond) {}

  /** After each epoch's evaluation and checkpoint. */
  default void epoch(EpochResult result) {}

  /**
   * Before a resumed run's first step: where it resumes, and each setting it was given that differs from the
   * checkpoint's run (one line each; none when it continues that run as given). Such a run goes on, but not as one
   * uninterrupted run would have: a schedule's per-step position, for one, counts the checkpoint's steps.
   */
  default void resumed(ResumePoint from, List<String> changes) {}

  /** Seconds this epoch's steps have waited for data so far, reported before each step. */
  default void dataWait(double seconds) {}
}
