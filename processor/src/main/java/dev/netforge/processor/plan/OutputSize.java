package dev.netforge.processor.plan;

import dev.netforge.dsl.Rounding;
import java.util.Optional;

/**
 * The arithmetic of a sliding window, {@code (in + 2·pad − kernel) / stride + 1}, with the message and the fix
 * for a declaration where it does not come out whole.
 */
final class OutputSize {
  private OutputSize() {}

  /** The output size, floored; the caller checks {@link #fits} first. */
  static int of(int in, int kernel, int stride, int padding) {
    return Math.floorDiv(in + 2 * padding - kernel, stride) + 1;
  }

  /** Whether the window fits in the padded input at least once. */
  static boolean fits(int in, int kernel, int padding) {
    return in + 2 * padding >= kernel;
  }

  /**
   * Explains a non-integral output size under {@link Rounding#EXACT}, or returns empty when the size is whole.
   *
   * @param axis "height", "width" or "height and width"
   */
  static Optional<String> inexact(String axis, int in, int kernel, int stride, int padding, boolean hasPadding) {
    int span = in + 2 * padding - kernel;
    int remainder = Math.floorMod(span, stride);
    if (remainder == 0) {
      return Optional.empty();
    }
    String value = formatQuotient(span, stride);
    StringBuilder m = new StringBuilder();
    m.append("output ")
        .append(axis)
        .append(" (")
        .append(in)
        .append(" + 2*")
        .append(padding)
        .append(" - ")
        .append(kernel)
        .append(")/")
        .append(stride)
        .append(" + 1 = ")
        .append(value)
        .append(" is not an integer; use an input ")
        .append(axis)
        .append(" of ")
        .append(in + (stride - remainder));
    if (in - remainder >= kernel - 2 * padding && in - remainder > 0) {
      m.append(" or ").append(in - remainder);
    }
    if (hasPadding) {
      for (int p = 0; p < kernel; p++) {
        if (p != padding && Math.floorMod(in + 2 * p - kernel, stride) == 0) {
          m.append(", padding = ").append(p);
          break;
        }
      }
    }
    m.append(", or rounding = Rounding.FLOOR to drop the ")
        .append(remainder)
        .append(" pixel")
        .append(remainder == 1 ? "" : "s")
        .append(" the last window does not reach");
    return Optional.of(m.toString());
  }

  private static String formatQuotient(int span, int stride) {
    double q = (double) span / stride + 1;
    String s = String.format(java.util.Locale.ROOT, "%.4f", q);
    s = s.replaceAll("0+$", "");
    return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
  }
}
