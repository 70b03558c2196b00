package dev.netforge.runtime.train;

/**
 * Where a checkpointed run stood when it was written.
 *
 * @param epoch the last epoch it finished
 * @param step optimizer steps taken so far
 */
public record ResumePoint(int epoch, long step) {}
