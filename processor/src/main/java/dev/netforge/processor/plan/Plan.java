package dev.netforge.processor.plan;

import dev.netforge.dsl.Init;
import dev.netforge.processor.model.Shape;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything the emitters need to write one network: its stages in order, its parameters, and the totals.
 *
 * @param packageName package of the generated class
 * @param name generated class name
 * @param specName the declaring interface
 * @param towers tower count
 * @param init weight initialization
 * @param input input shape
 * @param stages the fused passes, in forward order
 * @param softmax whether the output is trained with softmax cross-entropy
 */
public record Plan(
    String packageName,
    String name,
    String specName,
    int towers,
    Init init,
    Shape input,
    List<Stage> stages,
    boolean softmax) {
  public Plan {
    stages = List.copyOf(stages);
  }

  public Shape output() {
    return stages.get(stages.size() - 1).out();
  }

  /**
   * The output's dimensions per example as the runtime and PyTorch see them: {@code [units]} after a dense layer,
   * {@code [C, H, W]} for a feature map (a {@code [C, 1, 1]} one included).
   */
  public List<Integer> outputDimensions() {
    Shape out = output();
    return isFlat(stages.size() - 1) ? List.of(out.channels()) : List.of(out.channels(), out.height(), out.width());
  }

  /** Whether stage {@code stage}'s output is units rather than a feature map: a dense layer is at or before it. */
  public boolean isFlat(int stage) {
    for (int i = 0; i <= stage; i++) {
      if (stages.get(i) instanceof Dense) {
        return true;
      }
    }
    return false;
  }

  /** Index of the first stage with parameters; the stages before it act on the whole input on every tower. */
  public int firstParametric() {
    for (int i = 0; i < stages.size(); i++) {
      if (stages.get(i) instanceof Parametric) {
        return i;
      }
    }
    throw new IllegalStateException(name + " has no stage with parameters");
  }

  public List<Parametric> parametric() {
    List<Parametric> result = new ArrayList<>();
    for (Stage s : stages) {
      if (s instanceof Parametric p) {
        result.add(p);
      }
    }
    return result;
  }

  /** Parameters in PyTorch's state_dict order: each layer's weight, then its bias. */
  public List<ParameterPlan> parameters() {
    List<ParameterPlan> result = new ArrayList<>();
    for (Parametric p : parametric()) {
      result.add(new ParameterPlan(p.paramPrefix() + ".weight", p.weightShape(), p.fanIn(), false, 0));
      result.add(
          new ParameterPlan(p.paramPrefix() + ".bias", List.of(p.out().channels()), p.fanIn(), true, p.initialBias()));
    }
    return result;
  }

  /** How many of {@link #parameters()} the stages before {@code stage} hold: the index of its first parameter. */
  public int parametersBefore(int stage) {
    int layers = 0;
    for (int i = 0; i < stage; i++) {
      layers += stages.get(i) instanceof Parametric ? 1 : 0;
    }
    return 2 * layers;  // each layer's weight and bias
  }

  public long parameterCount() {
    return parametric().stream().mapToLong(Parametric::parameterCount).sum();
  }

  public long macs() {
    return stages.stream().mapToLong(Stage::macs).sum();
  }
}
