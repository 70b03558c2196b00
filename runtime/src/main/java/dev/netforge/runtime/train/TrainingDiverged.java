package dev.netforge.runtime.train;

/** The loss became NaN or infinite; training stopped and the last checkpoint was left as it was. */
public final class TrainingDiverged extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public TrainingDiverged(String message) {
    super(message);
  }
}
