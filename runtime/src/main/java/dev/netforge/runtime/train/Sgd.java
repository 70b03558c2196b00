package dev.netforge.runtime.train;

import dev.netforge.runtime.Parameter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The paper's update: {@code v ← μ·v − λ·ε·w − ε·∂L/∂w;  w ← w + v} with momentum μ = 0.9 and weight decay
 * λ = 0.0005 by default, applied to every parameter.
 */
public final class Sgd {
  private final double momentum;
  private final double weightDecay;
  private final Map<String, float[]> velocity = new LinkedHashMap<>();

  public Sgd(List<Parameter> parameters, double momentum, double weightDecay) {
    this.momentum = momentum;
    this.weightDecay = weightDecay;
    for (Parameter p : parameters) {
      velocity.put(p.name(), new float[p.size()]);
    }
  }

  /** The momentum buffer of a parameter (saved in checkpoints). */
  public float[] velocity(String name) {
    return velocity.get(name);
  }

  public double momentum() {
    return momentum;
  }

  public double weightDecay() {
    return weightDecay;
  }

  public void step(List<Parameter> parameters, double learningRate) {
    float mu = (float) momentum;
    float decay = (float) (weightDecay * learningRate);
    float lr = (float) learningRate;
    for (int k = 0; k < parameters.size(); k++) { // no iterator: the training step allocates nothing
      Parameter p = parameters.get(k);
      float[] v = velocity.get(p.name());
      float[] w = p.value;
      float[] g = p.grad;
      for (int i = 0; i < w.length; i++) {
        float vi = mu * v[i] - decay * w[i] - lr * g[i];
        v[i] = vi;
        w[i] += vi;
      }
    }
  }
}
