package dev.netforge.runtime.cuda;

/**
 * Release steps that all run even when one throws: the first failure is the one reported, later ones are attached to
 * it as suppressed, so a failed close neither leaks what came after it nor hides what went wrong first.
 */
final class Cleanup {
  private RuntimeException first;

  /** Release steps with nothing failed yet. */
  Cleanup() {}

  /** Release steps after {@code failure}, which stays the one reported. */
  Cleanup(RuntimeException failure) {
    first = failure;
  }

  /** Runs one step; a failure is kept, not thrown. */
  void run(Runnable step) {
    try {
      step.run();
    } catch (RuntimeException e) {
      if (first == null) {
        first = e;
      } else if (e != first) {
        first.addSuppressed(e);
      }
    }
  }

  /** Throws the first failure of the steps run, if any. */
  void finish() {
    if (first != null) {
      throw first;
    }
  }
}
