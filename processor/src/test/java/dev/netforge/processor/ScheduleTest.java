package dev.netforge.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netforge.dsl.Init;
import dev.netforge.dsl.Rounding;
import dev.netforge.processor.model.Layer;
import dev.netforge.processor.model.Location;
import dev.netforge.processor.model.NetworkDecl;
import dev.netforge.processor.model.Op;
import dev.netforge.processor.model.Shape;
import dev.netforge.processor.plan.Planner;
import dev.netforge.processor.plan.Schedule;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The lowered schedule's passes, which both engines print: where the towers gather activations, where they sum
 * gradient copies (the plan's exchanges, the first layer's shared input, the output's gather), and where masks are
 * drawn.
 */
class ScheduleTest {
  private static Schedule schedule(NetworkDecl decl) {
    return new Schedule(Planner.plan(decl).plan().orElseThrow());
  }

  /** Each forward step in one line: {@code towers conv1..conv2Pool}, {@code gather conv2Pool 43264 (EXCHANGE)}. */
  private static List<String> forward(Schedule schedule) {
    List<String> lines = new ArrayList<>();
    for (Schedule.ForwardStep step : schedule.forward()) {
      step.accept(new Schedule.ForwardPrinter() {
        @Override
        public void region(Schedule.Region r) {
          lines.add(describe(schedule, r));
        }

        @Override
        public void gather(Schedule.Gather g) {
          lines.add("gather " + name(schedule, g.stage()) + " " + g.floatsPerExample() + " (" + g.kind() + ")");
        }

        @Override
        public void drawMask(Schedule.DrawMask d) {
          lines.add("mask " + name(schedule, d.stage()) + " " + d.perExample() + " " + d.rate());
        }
      });
    }
    return lines;
  }

  /** Each backward step in one line: {@code reduce conv2Pool 43264 (EXCHANGE)}. */
  private static List<String> backward(Schedule schedule) {
    List<String> lines = new ArrayList<>();
    for (Schedule.BackwardStep step : schedule.backward()) {
      step.accept(new Schedule.BackwardPrinter() {
        @Override
        public void region(Schedule.Region r) {
          lines.add(describe(schedule, r));
        }

        @Override
        public void reduce(Schedule.Reduce r) {
          lines.add("reduce " + name(schedule, r.stage()) + " " + r.floatsPerExample() + " (" + r.kind() + ")");
        }
      });
    }
    return lines;
  }

  private static String describe(Schedule schedule, Schedule.Region r) {
    String stages = r.end() - r.first() == 1 ? name(schedule, r.first()) : name(schedule, r.first()) + ".." + name(schedule, r.end() - 1);
    return (r.perTower() ? "towers " : "whole ") + stages;
  }

  private static String name(Schedule schedule, int stage) {
    return stage < 0 ? "input" : schedule.names().of(stage);
  }

  @Test
  void thePapersNetworkExchangesWhereThePaperDoes() {
    Schedule s = schedule(PlannerTest.alexNet(227));
    assertEquals(List.of(
        "towers conv1..conv2Pool",
        "gather conv2Pool 43264 (EXCHANGE)",
        "towers conv3..conv5Pool",
        "gather conv5Pool 9216 (EXCHANGE)",
        "mask fc6 4096 0.5",
        "towers fc6",
        "gather fc6 4096 (EXCHANGE)",
        "mask fc7 4096 0.5",
        "towers fc7",
        "gather fc7 4096 (EXCHANGE)",
        "towers fc8",
        "gather fc8 1000 (OUTPUT)"), forward(s));
    assertEquals(List.of(
        "towers fc8",
        "reduce fc7 4096 (EXCHANGE)",
        "towers fc7",
        "reduce fc6 4096 (EXCHANGE)",
        "towers fc6",
        "reduce conv5Pool 9216 (EXCHANGE)",
        "towers conv3..conv5Pool",
        "reduce conv2Pool 43264 (EXCHANGE)",
        "towers conv1..conv2Pool",
        "reduce input 154587 (WHOLE)"), backward(s));
    // Both directions of every exchange and the output's gather; not the input's sum, which only ∂loss/∂input needs.
    assertEquals(4L * (2 * (43264 + 9216 + 4096 + 4096) + 1000), s.exchangeBytesPerExample());
    assertEquals(43264 / 2, s.receivedPerExample());
    assertTrue(s.reducesGradient(-1));
    assertFalse(s.reducesGradient(0));
  }

  private static Location at(String method, String annotation) {
    return new Location(method, annotation, null);
  }

  /** Pooling of the input, then a convolution with {@code groups}, then a classifier; two towers. */
  private static NetworkDecl poolFirst(int groups) {
    Layer conv1 = new Layer("conv1", "conv1", null, List.of(
        new Op.MaxPool(at("conv1", "MaxPool"), 3, 2, Rounding.EXACT),
        new Op.Conv(at("conv1", "Conv"), 4, 3, 1, 1, groups, Rounding.EXACT, 0)));
    Layer fc2 = new Layer("fc2", "fc2", null, List.of(new Op.Dense(at("fc2", "Dense"), 4, 0), new Op.Softmax(at("fc2", "Softmax"))));
    return new NetworkDecl("p", "PoolFirst", "Spec", 2, Init.PAPER, new Shape(2, 11, 11), List.of(conv1, fc2));
  }

  @Test
  void aFirstLayerWhoseTowersShareThePooledInputSumsItsGradientBeforeThePool() {
    Schedule s = schedule(poolFirst(1));
    assertEquals(List.of("whole conv1Pool", "towers conv1", "gather conv1 100 (EXCHANGE)", "towers fc2", "gather fc2 4 (OUTPUT)"),
        forward(s));
    assertEquals(List.of("towers fc2", "reduce conv1 100 (EXCHANGE)", "towers conv1", "reduce conv1Pool 50 (WHOLE)", "whole conv1Pool"),
        backward(s));
    assertTrue(s.backwardOnce(0));
    assertEquals(50, s.receivedPerExample());
  }

  @Test
  void aGroupedFirstLayerSumsNothingBeforeIt() {
    Schedule s = schedule(poolFirst(2));
    assertEquals(List.of("towers fc2", "reduce conv1 100 (EXCHANGE)", "towers conv1", "whole conv1Pool"), backward(s));
    assertFalse(s.backwardOnce(0));
    assertFalse(s.reducesGradient(-1));
  }
}
