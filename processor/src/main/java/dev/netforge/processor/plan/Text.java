package dev.netforge.processor.plan;

import java.util.Locale;

/** How numbers read in messages, generated javadoc and the summary table. */
public final class Text {
  private Text() {}

  /** A compact count: 60965224 → "60,965,224". */
  public static String count(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }

  /** A declared constant as written: 5 → "5", 1e-4 → "0.0001", 0.75 → "0.75". */
  public static String number(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e9) {
      return Long.toString((long) v);
    }
    String s = new java.math.BigDecimal(Double.toString(v)).stripTrailingZeros().toString();
    return s.replace("E", "e").replace("e+", "e");
  }
}
