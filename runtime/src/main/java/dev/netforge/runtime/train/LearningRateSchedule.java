package dev.netforge.runtime.train;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * How the learning rate changes over a run. Between epochs: {@code constant}; {@code step:E1,E2,...:F} (multiply by F
 * at the start of each listed epoch, 1-based); or {@code plateau:P[:MAX]} (the paper's: multiply by 0.1 when the
 * validation error has not improved for P epochs, at most MAX times, 3 by default). At every step: {@code cosine:W}
 * (rise linearly from ε/warm-up steps to ε over the first W epochs, W a decimal such as 0.5 or 0, then fall as half a
 * cosine to 0 at the end of the run's last epoch).
 *
 * <p>A per-step rate is a function of the step's index alone (given the run's epochs and steps per epoch), so a run
 * resumed at step s continues exactly, provided it is given the same epochs and batch; a resumed run given more epochs
 * stretches the remaining decay over them.
 */
public final class LearningRateSchedule {
  private enum Kind {
    CONSTANT,
    STEP,
    PLATEAU,
    COSINE
  }

  private static final String FORMS = "use constant, step:EPOCH[,EPOCH...]:FACTOR (e.g. step:8,11:0.1), plateau:PATIENCE[:MAX_DROPS] "
      + "or cosine:WARMUP_EPOCHS (e.g. cosine:0.5)";

  private final Kind kind;
  private final int[] milestones;
  private final double factor;
  private final int patience;
  private final int maxDrops;
  private final double peak;
  private final long warmupSteps;
  private final long totalSteps;
  private double rate;
  private double bestError = Double.POSITIVE_INFINITY;
  private int sinceBest;
  private int drops;

  private LearningRateSchedule(Kind kind, int[] milestones, double factor, int patience, int maxDrops, double rate, long warmupSteps,
      long totalSteps) {
    this.kind = kind;
    this.milestones = milestones;
    this.factor = factor;
    this.patience = patience;
    this.maxDrops = maxDrops;
    this.peak = rate;
    this.rate = rate;
    this.warmupSteps = warmupSteps;
    this.totalSteps = totalSteps;
  }

  /**
   * Parses a schedule for a run of {@code epochs} epochs of {@code stepsPerEpoch} steps (the per-step forms spread
   * over them); the message of a bad one lists the forms.
   */
  public static LearningRateSchedule parse(String spec, double initialRate, int epochs, int stepsPerEpoch) {
    String[] parts = spec.trim().toLowerCase(Locale.ROOT).split(":");
    long total = (long) epochs * stepsPerEpoch;
    try {
      switch (parts[0]) {
        case "constant":
          if (parts.length == 1) {
            return epochWise(Kind.CONSTANT, new int[0], 1, 0, 0, initialRate);
          }
          break;
        case "step":
          if (parts.length == 3) {
            int[] m = Arrays.stream(parts[1].split(",")).mapToInt(Integer::parseInt).toArray();
            double factor = Double.parseDouble(parts[2]);
            for (int epoch : m) {
              require(epoch >= 2, spec, "epoch " + epoch + " is not one a step can start: epoch 1 runs at the initial rate, so the first step can"
                  + " come at the start of epoch 2");
            }
            require(factor > 0 && factor < Double.POSITIVE_INFINITY, spec, "the factor must be a finite number above 0");
            return epochWise(Kind.STEP, m, factor, 0, 0, initialRate);
          }
          break;
        case "plateau":
          if (parts.length == 2 || parts.length == 3) {
            int patience = Integer.parseInt(parts[1]);
            int max = parts.length == 3 ? Integer.parseInt(parts[2]) : 3;
            require(patience >= 1, spec, "the patience must be at least 1 epoch");
            require(max >= 0, spec, "the drops must be at least 0");
            return epochWise(Kind.PLATEAU, new int[0], 0.1, patience, max, initialRate);
          }
          break;
        case "cosine":
          if (parts.length == 2) {
            double warmupEpochs = Double.parseDouble(parts[1]);
            require(warmupEpochs >= 0 && warmupEpochs < epochs, spec, "the warm-up must be at least 0 and shorter than the run's " + epochs + " epochs");
            long warmup = Math.round(warmupEpochs * stepsPerEpoch);
            return new LearningRateSchedule(Kind.COSINE, new int[0], 1, 0, 0, initialRate, warmup, total);
          }
          break;
        default:
          break;
      }
    } catch (NumberFormatException e) {
      // fall through to the usage message
    }
    throw new IllegalArgumentException("learning-rate schedule \"" + spec + "\" not understood; " + FORMS);
  }

  /** A schedule that parses but no run can use: its message says which part. */
  private static void require(boolean holds, String spec, String what) {
    if (!holds) {
      throw new IllegalArgumentException("learning-rate schedule \"" + spec + "\": " + what);
    }
  }

  private static LearningRateSchedule epochWise(Kind kind, int[] milestones, double factor, int patience, int maxDrops, double rate) {
    return new LearningRateSchedule(kind, milestones, factor, patience, maxDrops, rate, 0, 0);
  }

  /** The rate of the run's step {@code step} (0-based, counted over all epochs); the epoch-wise forms ignore it. */
  public double rate(long step) {
    if (kind != Kind.COSINE) {
      return rate;
    }
    if (step < warmupSteps) {
      return peak * (step + 1) / warmupSteps;
    }
    double progress = Math.min(1.0, (double) (step - warmupSteps) / Math.max(1, totalSteps - warmupSteps));
    return peak * 0.5 * (1 + Math.cos(Math.PI * progress));
  }

  /**
   * Called after epoch {@code epoch} (1-based) with its validation error; sets the rate of the next epoch (the
   * per-step forms need no call).
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

  /**
   * The epochs of the step form that lie past a run of {@code epochs}, in the order given: drops that run never
   * makes (a run resumed from its checkpoint with more epochs does). Empty for the other forms.
   */
  public List<Integer> stepsPast(int epochs) {
    return Arrays.stream(milestones).filter(m -> m > epochs).boxed().toList();
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
