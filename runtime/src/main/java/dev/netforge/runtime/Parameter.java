package dev.netforge.runtime;

import java.util.Arrays;

/**
 * One trainable tensor under its PyTorch name and layout, with its gradient from the last backward pass.
 */
public final class Parameter {
  private final String name;
  private final int[] shape;
  private final int fanIn;
  private final boolean bias;
  private final float initialBias;
  /** The values, row-major in {@link #shape()}. */
  public final float[] value;
  /** ∂loss/∂value from the last backward pass (overwritten, not accumulated). */
  public final float[] grad;

  public Parameter(String name, int[] shape, int fanIn, boolean bias, float initialBias) {
    this.name = name;
    this.shape = shape.clone();
    this.fanIn = fanIn;
    this.bias = bias;
    this.initialBias = initialBias;
    long size = 1;
    for (int d : shape) {
      size *= d;
    }
    this.value = new float[Math.toIntExact(size)];
    this.grad = new float[value.length];
  }

  public String name() {
    return name;
  }

  public int[] shape() {
    return shape.clone();
  }

  public int size() {
    return value.length;
  }

  public boolean isBias() {
    return bias;
  }

  /** Inputs per output unit, for He initialization. */
  public int fanIn() {
    return fanIn;
  }

  /** Draws weights from N(0, std²), or sets a bias to its declared constant. */
  void initialize(Rng rng, double weightStd) {
    if (bias) {
      Arrays.fill(value, initialBias);
    } else {
      for (int i = 0; i < value.length; i++) {
        value[i] = (float) (rng.nextGaussian() * weightStd);
      }
    }
  }

  @Override
  public String toString() {
    return name + Arrays.toString(shape);
  }
}
