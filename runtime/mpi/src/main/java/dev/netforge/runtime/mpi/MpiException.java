package dev.netforge.runtime.mpi;

/** An MPI call that failed, with MPI's own description; or the MPI library that could not be built or loaded. */
public final class MpiException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public MpiException(String message) {
    super(message);
  }

  public MpiException(String message, Throwable cause) {
    super(message, cause);
  }
}
