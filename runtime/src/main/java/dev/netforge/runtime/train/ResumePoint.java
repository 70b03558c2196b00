package dev.netforge.runtime.train;

/**
 * Where a checkpointed run stood when it was written.
 *
 * @param epoch the last epoch it finished
 * @param step optimizer steps taken so far
 * @param dataSeed the seed of its shuffles and augmentation ({@link dev.netforge.runtime.data.EpochRandom})
 */
public record ResumePoint(int epoch, long step, long dataSeed) {}
