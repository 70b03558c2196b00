package dev.netforge.runtime;

import dev.netforge.runtime.nn.Stage;
import dev.netforge.runtime.nn.StageTimes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.ToIntFunction;
import java.util.function.ToLongFunction;

/**
 * Where a CPU network's passes spend their time, stage by stage ({@link CompiledNetwork#profileStages}): each stage's
 * objects (one per tower, or one run by all threads) add the time of their forward and backward passes to their own
 * {@link StageTimes}. A tower's stages run one after the other on its thread, so a stage's mean over its objects is
 * the time it takes on a tower's thread, and the stages' means add up to the pass, less what runs outside them (the
 * loss, a tower's wait for a slower one where they meet, the towers' gradient sums, dropout masks, the update).
 * {@link #stop} ends the timing.
 */
public final class StageProfile {
  /**
   * One stage of the network: its name, its forward pass's multiply-adds per example (all towers together, as the
   * network's summary counts them; 0 for a stage that only compares), whether its backward pass computes the gradient
   * of its input too (as bound when the profile began, so begin it after a first training step), and its objects'
   * times.
   */
  public record Row(String name, long multiplyAdds, boolean inputGradient, List<StageTimes> times) {
    /**
     * The backward pass's multiply-adds per example, nominally: as many as the forward pass's (a weight gradient's), and
     * as many again where it computes its input's gradient.
     */
    public long backwardMultiplyAdds() {
      return inputGradient ? 2 * multiplyAdds : multiplyAdds;
    }

    /** Mean milliseconds per forward pass over the stage's objects, or 0 before any ran. */
    public double forwardMillis() {
      return meanMillis(StageTimes::forwardNanos, StageTimes::forwardPasses);
    }

    /** Mean milliseconds per backward pass over the stage's objects, or 0 before any ran. */
    public double backwardMillis() {
      return meanMillis(StageTimes::backwardNanos, StageTimes::backwardPasses);
    }

    /**
     * Each object's forward and backward milliseconds per training step (per pass of each, added), in the order of
     * {@link #times}: where a stage's towers take unequal times, the faster waits for the slower where they meet.
     */
    public double[] objectMillis() {
      double[] millis = new double[times.size()];
      for (int i = 0; i < millis.length; i++) {
        StageTimes t = times.get(i);
        millis[i] = perPass(t.forwardNanos(), t.forwardPasses()) + perPass(t.backwardNanos(), t.backwardPasses());
      }
      return millis;
    }

    /** Milliseconds per pass; 0 before any ran. */
    private static double perPass(long nanos, int passes) {
      return passes == 0 ? 0 : nanos / 1e6 / passes;
    }

    /** The objects' time over their passes, in milliseconds per pass ({@link #perPass} of their totals). */
    private double meanMillis(ToLongFunction<StageTimes> nanos, ToIntFunction<StageTimes> passes) {
      long total = 0;
      int count = 0;
      for (StageTimes t : times) {
        total += nanos.applyAsLong(t);
        count += passes.applyAsInt(t);
      }
      return perPass(total, count);
    }
  }

  /** What a generated network hands over: each stage, in the order of the forward pass ({@link CompiledNetwork#stages}). */
  public interface Stages {
    /**
     * Stage {@code name}'s objects: one per tower, or the one all threads run; {@code multiplyAdds} per example in its
     * forward pass, all towers together.
     */
    void add(String name, long multiplyAdds, Stage... objects);
  }

  private final List<Row> rows = new ArrayList<>();
  private final List<Stage> timed = new ArrayList<>();

  StageProfile(CompiledNetwork network) {
    network.stages((name, multiplyAdds, objects) -> {
      List<StageTimes> times = new ArrayList<>();
      boolean inputGradient = false;
      for (Stage s : objects) {
        StageTimes t = new StageTimes();
        s.timeInto(t);
        timed.add(s);
        times.add(t);
        inputGradient |= s.computesInputGradient();
      }
      rows.add(new Row(name, multiplyAdds, inputGradient, Collections.unmodifiableList(times)));
    });
  }

  /** The stages in the forward pass's order; empty for a network that names none (the CUDA engine's, a hand-written one). */
  public List<Row> rows() {
    return Collections.unmodifiableList(rows);
  }

  /** Starts every stage's count again from zero (after warm-up passes, say). */
  public void reset() {
    for (Row r : rows) {
      for (StageTimes t : r.times()) {
        t.reset();
      }
    }
  }

  /** Stops timing: the stages' passes run untimed again. */
  public void stop() {
    for (Stage s : timed) {
      s.timeInto(null);
    }
  }
}
