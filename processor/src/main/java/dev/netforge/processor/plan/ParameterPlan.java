package dev.netforge.processor.plan;

import java.util.List;

/**
 * One tensor of trainable parameters, in PyTorch's name and layout.
 *
 * @param name for example {@code conv1.weight}
 * @param shape for example {@code [96, 3, 11, 11]}
 * @param fanIn inputs per output, for He initialization
 * @param bias whether this is a bias (initialized to a constant) rather than a weight (drawn at random)
 * @param initialBias the constant a bias starts at
 */
public record ParameterPlan(String name, List<Integer> shape, int fanIn, boolean bias, double initialBias) {
  public ParameterPlan {
    shape = List.copyOf(shape);
  }

  public long size() {
    long n = 1;
    for (int d : shape) {
      n *= d;
    }
    return n;
  }
}
