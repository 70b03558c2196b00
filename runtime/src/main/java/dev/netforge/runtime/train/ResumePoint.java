package dev.netforge.runtime.train;

import java.util.Map;

/**
 * Where a checkpointed run stood when it was written.
 *
 * @param epoch the last epoch it finished
 * @param step optimizer steps taken so far
 * @param dataSeed the seed of its shuffles and augmentation ({@link dev.netforge.runtime.data.EpochRandom})
 * @param settings the run's settings the checkpoint recorded ({@link Checkpoint#RUN_SETTINGS}: those present), as
 *     written
 */
public record ResumePoint(int epoch, long step, long dataSeed, Map<String, String> settings) {
  public ResumePoint {
    settings = Map.copyOf(settings);
  }
}
