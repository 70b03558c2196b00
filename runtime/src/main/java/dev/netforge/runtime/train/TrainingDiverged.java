package dev.netforge.runtime.train;

/**
 * A training step's loss, or the test set's after an epoch, became NaN or infinite; training stopped and the last
 * checkpoint was left as it was.
 */
public final class TrainingDiverged extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public TrainingDiverged(String message) {
    super(message);
  }
}
