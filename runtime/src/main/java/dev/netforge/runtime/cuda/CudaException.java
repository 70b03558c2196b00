package dev.netforge.runtime.cuda;

/** The CUDA engine cannot run: a missing driver or library, a failed compilation or launch; the message says what to do. */
public final class CudaException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public CudaException(String message) {
    super(message);
  }

  public CudaException(String message, Throwable cause) {
    super(message, cause);
  }
}
