package dev.netforge.processor.plan;

import dev.netforge.processor.model.Shape;
import java.util.List;

/** A ReLU that could not be fused into a parametric epilogue (written after LRN or pooling). */
public record Relu(String layer, Shape in) implements ElementWise {
  @Override
  public String suffix() {
    return "Relu";
  }

  @Override
  public String operation() {
    return "ReLU";
  }

  @Override
  public RuntimeStage runtimeStage() {
    return new RuntimeStage("Relu", null, List.of(List.of(new Argument.Int(in.size()))),
        List.of(Argument.INPUT, Argument.OUTPUT));
  }

  @Override
  public KernelPlan kernelPlan(int tower) {
    return new KernelPlan.Pass(List.of(),
        KernelPlan.Launch.of("relu_forward", operation(), false, "x", Argument.INPUT, "y", Argument.OUTPUT, "batch", Argument.BATCH),
        KernelPlan.Launch.of("relu_backward", "", false, "y", Argument.OUTPUT, "dy", Argument.GRADIENT, "dx", Argument.INPUT_GRADIENT, "batch",
            Argument.BATCH));
  }

  @Override
  public Description description() {
    return Description.of("relu");
  }
}
