package dev.netforge.runtime.train;

import java.util.Arrays;
import java.util.Locale;

/**
 * How the learning rate changes between epochs: {@code constant}; {@code step:E1,E2,...:F} (multiply by F at the
 * start of each listed epoch, 1-based); or {@code plateau:P[:MAX]} (the paper's: multiply by 0.1 when the validation
 * error has not improved for P epochs, at most MAX times, 3 by default).
 */
public final class LearningRateSchedule {
  private enum Kind {
    CONSTANT,
    STEP,
    PLATEAU
  }

  private final String spec;
  private final Kind kind;
  private final int[] milestones;
  private final double factor;
  private final int patience;
  private final int maxDrops;
  private double rate;
  private double bestError = Double.POSITIVE_INFINITY;
  private int sinceBest;
  private int drops;

  private LearningRateSchedule(String spec, Kind kind, int[] milestones, double factor, int patience, int maxDrops, double rate) {
    this.spec = spec;
    this.kind = kind;
    this.milestones = milestones;
    this.factor = factor;
    this.patience = patience;
    this.maxDrops = maxDrops;
    this.rate = rate;
  }

  /** Parses a schedule; the message of a bad one lists the forms. */
  public static LearningRateSchedule parse(String spec, double initialRate) {
    String[] parts = spec.trim().toLowerCase(Locale.ROOT).split(":");
    try {
      switch (parts[0]) {
        case "constant":
          if (parts.length == 1) {
            return new LearningRateSchedule(spec, Kind.CONSTANT, new int[0], 1, 0, 0, initialRate);
          }
          break;
        case "step":
          if (parts.length == 3) {
            int[] m = Arrays.stream(parts[1].split(",")).mapToInt(Integer::parseInt).toArray();
            return new LearningRateSchedule(spec, Kind.STEP, m, Double.parseDouble(parts[2]), 0, 0, initialRate);
          }
          break;
        case "plateau":
          if (parts.length == 2 || parts.length == 3) {
            int max = parts.length == 3 ? Integer.parseInt(parts[2]) : 3;
            return new LearningRateSchedule(spec, Kind.PLATEAU, new int[0], 0.1, Integer.parseInt(parts[1]), max, initialRate);
          }
          break;
        default:
          break;
      }
    } catch (NumberFormatException e) {
      // fall through to the usage message
    }
    throw new IllegalArgumentException("learning-rate schedule \"" + spec
        + "\" not understood; use constant, step:EPOCH[,EPOCH...]:FACTOR (e.g. step:8,11:0.1) or plateau:PATIENCE[:MAX_DROPS]");
  }

  public String spec() {
    return spec;
  }

  /** The rate for the coming epoch. */
  public double rate() {
    return rate;
  }

  /**
   * Called after epoch {@code epoch} (1-based) with its validation error; sets the rate of the next epoch.
   *
   * @return whether the rate changed
   */
  public boolean endOfEpoch(int epoch, double validationError) {
    double before = rate;
    if (kind == Kind.STEP) {
      for (int m : milestones) {
        if (m == epoch + 1) {
          rate *= factor;
        }
      }
    } else if (kind == Kind.PLATEAU) {
      if (validationError < bestError) {
        bestError = validationError;
        sinceBest = 0;
      } else if (++sinceBest >= patience && drops < maxDrops) {
        rate *= factor;
        drops++;
        sinceBest = 0;
      }
    }
    return rate != before;
  }

  /** The mutable state, for checkpoints. */
  public String state() {
    return rate + "," + bestError + "," + sinceBest + "," + drops;
  }

  /** Restores what {@link #state} wrote; anything else is an {@link IllegalArgumentException} saying what it expected. */
  public void restore(String state) {
    String[] s = state.split(",");
    if (s.length != 4) {
      throw new IllegalArgumentException("expected rate,bestError,sinceBest,drops, found \"" + state + "\"");
    }
    rate = Double.parseDouble(s[0]);
    bestError = Double.parseDouble(s[1]);
    sinceBest = Integer.parseInt(s[2]);
    drops = Integer.parseInt(s[3]);
  }
}
