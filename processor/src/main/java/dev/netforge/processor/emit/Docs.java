package dev.netforge.processor.emit;

import dev.netforge.processor.plan.Parametric;
import dev.netforge.processor.plan.Plan;
import dev.netforge.processor.plan.Schedule;
import dev.netforge.processor.plan.Stage;
import dev.netforge.processor.plan.Text;
import dev.netforge.processor.plan.TowerSlice;
import java.util.Locale;

/** The human-readable descriptions the generated javadoc and the {@code -Anetforge.summary} table share. */
public final class Docs {
  private Docs() {}

  /** What each tower computes of a parametric stage. */
  public static String towers(Parametric p, int towers) {
    StringBuilder b = new StringBuilder();
    for (TowerSlice slice : p.slices()) {
      if (b.length() > 0) {
        b.append("; ");
      }
      if (towers > 1) {
        b.append("tower ").append(slice.tower()).append(": ");
      }
      b.append(p.describe(slice));
    }
    return b.toString();
  }

  /** {@code s} with its first letter in upper case: sentence starts, and camelCase joins of stage names. */
  static String capitalize(String s) {
    return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }

  /** The summary table printed by {@code -Anetforge.summary=true}. */
  public static String summary(Schedule schedule) {
    Plan plan = schedule.plan();
    StringBuilder b = new StringBuilder();
    b.append(plan.name()).append(" (").append(plan.towers()).append(plan.towers() == 1 ? " tower" : " towers").append(")\n");
    b.append(String.format(Locale.ROOT, "%-12s %-52s %-16s %12s %14s%n", "layer", "operation", "output", "parameters", "MACs/example"));
    b.append(String.format(Locale.ROOT, "%-12s %-52s %-16s %12s %14s%n", "input", "", plan.input(), "", ""));
    for (int i = 0; i < plan.stages().size(); i++) {
      Stage s = plan.stages().get(i);
      long params = s instanceof Parametric p ? p.parameterCount() : 0;
      // The stage's own name, as the generated javadoc and methods call it: conv1Lrn, not conv1.
      b.append(String.format(Locale.ROOT, "%-12s %-52s %-16s %12s %14s%n", schedule.names().of(i), s.operation(), s.out(), params == 0 ? "" : Text.count(params), s.macs() == 0 ? "" : Text.count(s.macs())));
    }
    b.append(String.format(Locale.ROOT, "total: %s parameters, %s multiply-adds per example forward%n", Text.count(plan.parameterCount()), Text.count(plan.macs())));
    return b.toString();
  }
}
