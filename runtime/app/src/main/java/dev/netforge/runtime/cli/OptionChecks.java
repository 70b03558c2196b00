package dev.netforge.runtime.cli;

/**
 * Checks of a command's numeric options before it does any work, so that a value no run can use is one line naming
 * the option: unchecked, {@code train --batch 0} ended in "error: / by zero", {@code --limit -5} in "error: -3920",
 * and {@code --limit 0} trained on nothing and reported a test top-1 of 100%.
 */
final class OptionChecks {
  private OptionChecks() {}

  /** {@code value}, where it was given ({@code null}: not given), is at least {@code min}. */
  static void atLeast(String option, Integer value, int min) {
    if (value != null && value < min) {
      throw new IllegalArgumentException(option + " " + value + ": must be at least " + min);
    }
  }

  /** {@code value}, where it was given, is a number at least {@code min} and below {@code below} (finite where that is ∞). */
  static void within(String option, Double value, double min, double below) {
    if (value != null && !(value >= min && value < below)) {
      throw new IllegalArgumentException(option + " " + value + ": must be "
          + (below == Double.POSITIVE_INFINITY ? "a finite number at least " + number(min) : "at least " + number(min) + " and below " + number(below)));
    }
  }

  /** {@code value}, where it was given, is a finite number above {@code min}. */
  static void above(String option, Double value, double min) {
    if (value != null && !(value > min && value < Double.POSITIVE_INFINITY)) {
      throw new IllegalArgumentException(option + " " + value + ": must be a finite number above " + number(min));
    }
  }

  /** 0, 1 and 0.5 as a user writes them. */
  private static String number(double value) {
    return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
  }
}
