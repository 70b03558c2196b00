package dev.netforge.processor.emit;

import dev.netforge.processor.plan.Plan;
import dev.netforge.processor.plan.Stage;
import dev.netforge.processor.plan.TowerSlice;
import java.util.Locale;

/** The human-readable descriptions the generated javadoc and the {@code -Anetforge.summary} table share. */
public final class Docs {
  private Docs() {}

  /** What a stage computes, in one line: {@code conv 11×11/4 pad 0 + bias + ReLU}. */
  public static String operation(Stage s) {
    if (s instanceof Stage.Parametric p) {
      StringBuilder b = new StringBuilder();
      if (p.dense()) {
        b.append("dense ").append(p.in().size()).append(" → ").append(p.out().channels());
      } else {
        b.append("conv ").append(p.kernel()).append('×').append(p.kernel()).append('/').append(p.stride());
        b.append(" pad ").append(p.padding());
        if (p.groups() > 1) {
          b.append(" groups ").append(p.groups());
        }
      }
      b.append(" + bias");
      if (p.relu()) {
        b.append(" + ReLU");
      }
      if (p.dropout() > 0) {
        b.append(" + dropout ").append(number(p.dropout()));
      }
      return b.toString();
    } else if (s instanceof Stage.Lrn l) {
      return "LRN size " + l.size() + ", α " + number(l.alpha()) + ", β " + number(l.beta()) + ", k " + number(l.k())
          + (l.towers() > 1 ? ", within each tower" : "");
    } else if (s instanceof Stage.MaxPool m) {
      return "max pool " + m.kernel() + '×' + m.kernel() + '/' + m.stride() + (m.stride() < m.kernel() ? " (overlapping)" : "");
    } else if (s instanceof Stage.Relu) {
      return "ReLU";
    } else {
      return "dropout " + number(((Stage.Dropout) s).rate());
    }
  }

  /** What each tower computes of a parametric stage. */
  public static String towers(Stage.Parametric p, int towers) {
    StringBuilder b = new StringBuilder();
    String unit = p.dense() ? "units" : "filters";
    for (TowerSlice slice : p.slices()) {
      if (b.length() > 0) {
        b.append("; ");
      }
      if (towers > 1) {
        b.append("tower ").append(slice.tower()).append(": ");
      }
      b.append(unit).append(' ').append(slice.outStart()).append('–').append(slice.outStart() + slice.outCount() - 1);
      if (!p.dense()) {
        b.append(" from input channels ").append(slice.inStart()).append('–').append(slice.inStart() + slice.inCount() - 1);
      }
    }
    return b.toString();
  }

  /** {@code s} with its first letter in upper case: sentence starts, and camelCase joins of stage names. */
  static String capitalize(String s) {
    return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }

  /** A compact count: 60965224 → "60,965,224". */
  public static String count(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }

  public static String number(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e9) {
      return Long.toString((long) v);
    }
    String s = new java.math.BigDecimal(Double.toString(v)).stripTrailingZeros().toString();
    return s.replace("E", "e").replace("e+", "e");
  }

  /** The summary table printed by {@code -Anetforge.summary=true}. */
  public static String summary(Plan plan) {
    StringBuilder b = new StringBuilder();
    b.append(plan.name()).append(" (").append(plan.towers()).append(plan.towers() == 1 ? " tower" : " towers").append(")\n");
    b.append(String.format(Locale.ROOT, "%-12s %-52s %-16s %12s %14s%n", "layer", "operation", "output", "parameters", "MACs/example"));
    b.append(String.format(Locale.ROOT, "%-12s %-52s %-16s %12s %14s%n", "input", "", plan.input(), "", ""));
    for (Stage s : plan.stages()) {
      long params = s instanceof Stage.Parametric p ? p.parameterCount() : 0;
      b.append(String.format(Locale.ROOT, "%-12s %-52s %-16s %12s %14s%n", s.layer(), operation(s), s.out(), params == 0 ? "" : count(params), s.macs() == 0 ? "" : count(s.macs())));
    }
    b.append(String.format(Locale.ROOT, "total: %s parameters, %s multiply-adds per example forward%n", count(plan.parameterCount()), count(plan.macs())));
    return b.toString();
  }
}
