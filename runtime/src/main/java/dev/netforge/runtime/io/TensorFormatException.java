package dev.netforge.runtime.io;

import java.io.IOException;
import java.nio.file.Path;

/** A tensor file that is malformed or does not hold what was asked for; the message names the file and tensor. */
public final class TensorFormatException extends IOException {
  private static final long serialVersionUID = 1L;

  public TensorFormatException(Path file, String message) {
    super(file + ": " + message);
  }
}
