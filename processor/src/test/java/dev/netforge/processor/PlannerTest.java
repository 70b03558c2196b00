package dev.netforge.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netforge.dsl.Init;
import dev.netforge.dsl.Rounding;
import dev.netforge.processor.model.Layer;
import dev.netforge.processor.model.Location;
import dev.netforge.processor.model.NetworkDecl;
import dev.netforge.processor.model.Op;
import dev.netforge.processor.model.Shape;
import dev.netforge.processor.plan.Convolution;
import dev.netforge.processor.plan.Lrn;
import dev.netforge.processor.plan.MaxPool;
import dev.netforge.processor.plan.Parametric;
import dev.netforge.processor.plan.Plan;
import dev.netforge.processor.plan.Planner;
import dev.netforge.processor.plan.Stage;
import dev.netforge.processor.plan.TowerSlice;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The planner on its own, without a compiler: the paper's network, its shapes, tower split and exchanges. */
class PlannerTest {
  private static Location at(String method, String annotation) {
    return new Location(method, annotation, null);
  }

  private static Layer conv(String name, int filters, int kernel, int stride, int padding, int groups, boolean lrn, boolean pool) {
    List<Op> ops = new ArrayList<>();
    ops.add(new Op.Conv(at(name, "Conv"), filters, kernel, stride, padding, groups, Rounding.EXACT, 0));
    ops.add(new Op.Relu(at(name, "Relu")));
    if (lrn) {
      ops.add(new Op.Lrn(at(name, "Lrn"), 5, 1e-4, 0.75, 2));
    }
    if (pool) {
      ops.add(new Op.MaxPool(at(name, "MaxPool"), 3, 2, Rounding.EXACT));
    }
    return new Layer(name, name, null, ops);
  }

  private static Layer dense(String name, int units, boolean hidden) {
    List<Op> ops = new ArrayList<>();
    ops.add(new Op.Dense(at(name, "Dense"), units, 0));
    if (hidden) {
      ops.add(new Op.Relu(at(name, "Relu")));
      ops.add(new Op.Dropout(at(name, "Dropout"), 0.5));
    } else {
      ops.add(new Op.Softmax(at(name, "Softmax")));
    }
    return new Layer(name, name, null, ops);
  }

  static NetworkDecl alexNet(int inputSize) {
    return new NetworkDecl("p", "AlexNet2012", "Spec", 2, Init.PAPER, new Shape(3, inputSize, inputSize), List.of(
        conv("conv1", 96, 11, 4, 0, 1, true, true),
        conv("conv2", 256, 5, 1, 2, 2, true, true),
        conv("conv3", 384, 3, 1, 1, 1, false, false),
        conv("conv4", 384, 3, 1, 1, 2, false, false),
        conv("conv5", 256, 3, 1, 1, 2, false, true),
        dense("fc6", 4096, true),
        dense("fc7", 4096, true),
        dense("fc8", 1000, false)));
  }

  @Test
  void thePapersNetwork() {
    Plan plan = Planner.plan(alexNet(227)).plan().orElseThrow();
    assertEquals(60_965_224L, plan.parameterCount());
    assertEquals(new Shape(1000, 1, 1), plan.output());
    List<String> exchanges = new ArrayList<>();
    for (Parametric p : plan.parametric()) {
      if (p.exchange() != null) {
        exchanges.add(p.layer());
      }
    }
    assertEquals(List.of("conv3", "fc6", "fc7", "fc8"), exchanges);
    Parametric conv1 = plan.parametric().get(0);
    assertEquals(new Shape(96, 55, 55), conv1.out());
    assertEquals(List.of(new TowerSlice(0, 0, 3, 0, 48), new TowerSlice(1, 0, 3, 48, 48)), conv1.slices());
    Parametric conv2 = plan.parametric().get(1);
    assertEquals(List.of(new TowerSlice(0, 0, 48, 0, 128), new TowerSlice(1, 48, 48, 128, 128)), conv2.slices());
    assertNull(conv2.exchange());
    // conv3 gathers the 256×13×13 pooled conv2 output: each tower receives the other's 128 channels.
    assertEquals(2 * 128L * 13 * 13 * 4, plan.parametric().get(2).exchange().bytesPerImage());
    assertTrue(plan.parametric().get(5).relu() && plan.parametric().get(5).dropout() == 0.5, "fc6 fuses ReLU and dropout");
  }

  /**
   * The LRN or max pooling right after a convolution's ReLU applies that ReLU's derivative (the paper's conv1 and conv2
   * through their LRNs, conv5 through its pooling; conv1's and conv2's poolings follow LRNs and apply none); where a
   * dropout mask comes between, where the convolution has no ReLU, or where neither follows (the paper's conv3 and
   * conv4), the convolution's backward pass applies its own.
   */
  @Test
  void theStageAfterAConvolutionsReluAppliesItsDerivative() {
    Plan plan = Planner.plan(alexNet(227)).plan().orElseThrow();
    assertEquals(List.of(true, true, false, false, true), deferred(plan));
    assertEquals(List.of(true, true), applying(plan, Lrn.class));
    assertEquals(List.of(false, false, true), applying(plan, MaxPool.class));

    List<Op> dropoutBetween = new ArrayList<>(conv("conv1", 8, 3, 1, 1, 1, false, false).ops());
    dropoutBetween.add(new Op.Dropout(at("conv1", "Dropout"), 0.5));
    dropoutBetween.add(new Op.Lrn(at("conv1", "Lrn"), 5, 1e-4, 0.75, 2));
    List<Op> reluOfItsOwn = List.of(
        new Op.Conv(at("conv2", "Conv"), 8, 3, 1, 1, 1, Rounding.EXACT, 0),
        new Op.Lrn(at("conv2", "Lrn"), 5, 1e-4, 0.75, 2));
    Plan other = Planner.plan(new NetworkDecl("p", "Other", "Spec", 1, Init.PAPER, new Shape(3, 8, 8), List.of(
        new Layer("conv1", "conv1", null, dropoutBetween),
        new Layer("conv2", "conv2", null, reluOfItsOwn),
        conv("conv3", 8, 3, 1, 1, 1, true, false),
        dense("fc", 10, false)))).plan().orElseThrow();
    assertEquals(List.of(false, false, true), deferred(other));
  }

  private static List<Boolean> applying(Plan plan, Class<? extends Stage> kind) {
    return plan.stages().stream().filter(kind::isInstance).map(Stage::appliesReluDerivative).toList();
  }

  private static List<Boolean> deferred(Plan plan) {
    return plan.stages().stream().filter(Convolution.class::isInstance).map(c -> ((Convolution) c).reluDerivativeDeferred()).toList();
  }

  @Test
  void the224Confusion() {
    Planner.Result result = Planner.plan(alexNet(224));
    assertTrue(result.plan().isEmpty());
    assertEquals(1, result.diagnostics().size());
    assertEquals(at("conv1", "Conv"), result.diagnostics().get(0).location());
    assertTrue(result.diagnostics().get(0).message().startsWith("output height and width (224 + 2*0 - 11)/4 + 1 = 54.25 is not an integer"),
        result.diagnostics().get(0).message());
  }
}
