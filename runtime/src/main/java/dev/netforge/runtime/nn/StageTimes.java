package dev.netforge.runtime.nn;

/**
 * The time one {@link Stage} object has spent in its forward and backward passes since it was made or {@link #reset},
 * and how many of each it ran. Written by the stage's tower thread only; read between steps, after the towers have
 * met.
 */
public final class StageTimes {
  private long forwardNanos;
  private long backwardNanos;
  private int forwardPasses;
  private int backwardPasses;

  void addForward(long nanos) {
    forwardNanos += nanos;
    forwardPasses++;
  }

  void addBackward(long nanos) {
    backwardNanos += nanos;
    backwardPasses++;
  }

  public long forwardNanos() {
    return forwardNanos;
  }

  public long backwardNanos() {
    return backwardNanos;
  }

  public int forwardPasses() {
    return forwardPasses;
  }

  public int backwardPasses() {
    return backwardPasses;
  }

  /** Starts counting again from zero. */
  public void reset() {
    forwardNanos = 0;
    backwardNanos = 0;
    forwardPasses = 0;
    backwardPasses = 0;
  }
}
