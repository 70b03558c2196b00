package dev.netforge.runtime.cli;

import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * The one line a command prints for the exception it ends with. The file-system exceptions of {@code java.nio} carry
 * only the path as their message, so {@code error: /runs/checkpoint.safetensors} would not say what is wrong; their
 * kind is spelled out here.
 */
final class ErrorMessage {
  private ErrorMessage() {}

  static String of(Throwable ex) {
    if (ex instanceof FileSystemException e && e.getReason() == null) {
      return e.getMessage() + ": " + kind(e);
    }
    return ex.getMessage() != null ? ex.getMessage() : ex.toString();
  }

  private static String kind(FileSystemException e) {
    if (e instanceof NoSuchFileException) {
      return "no such file or directory";
    } else if (e instanceof AccessDeniedException) {
      return "permission denied";
    } else if (e instanceof FileAlreadyExistsException) {
      return "already exists";
    } else if (e instanceof NotDirectoryException) {
      return "not a directory";
    }
    return "cannot be accessed (" + e.getClass().getSimpleName() + ")";
  }
}
