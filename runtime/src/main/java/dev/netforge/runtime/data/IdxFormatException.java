package dev.netforge.runtime.data;

import java.io.IOException;
import java.nio.file.Path;

/** A malformed, truncated or mismatched IDX file; the message names the file. */
public final class IdxFormatException extends IOException {
  private static final long serialVersionUID = 1L;

  public IdxFormatException(Path file, String message) {
    super(file + " " + message);
  }
}
