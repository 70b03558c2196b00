package dev.netforge.runtime.nn;

import dev.netforge.runtime.Parameter;
import dev.netforge.runtime.gemm.Sgemm;

/**
 * A fully connected layer on {@code [batch, inputs]} for one tower: its slices of units [outStart, outStart +
 * outCount) ({@link TowerSlice}), one after the other. Weights are {@code [units, inputs]} (PyTorch's layout).
 *
 * <pre>
 * forward:  y[:, u]  = relu(x · W[u, :]ᵀ + b[u]) · mask       (epilogue fused into the GEMM store)
 * backward: g        = dy · mask · [y &gt; 0];  db[u] = Σ_n g[n, u]
 *           dW[u, :] = g[:, u]ᵀ · x;   dx (+)= g[:, u] · W[u, :]
 * </pre>
 * {@code dy} is overwritten with g.
 */
public final class Dense extends Stage {
  private final int inputs;
  private final int units;
  private final Parameter weight;
  private final Parameter bias;
  private final boolean relu;
  private final TowerSlice[] slices;
  /** The dropout multipliers of a training pass, or {@code null} for a layer without dropout. */
  private float[] mask;

  /**
   * @param inputs input features per example
   * @param units all the layer's units (output features per example)
   * @param relu whether a ReLU follows (fused into the GEMM's epilogue)
   * @param slices what this tower computes, in order
   */
  public Dense(int inputs, int units, Parameter weight, Parameter bias, boolean relu, TowerSlice... slices) {
    this.inputs = inputs;
    this.units = units;
    this.weight = weight;
    this.bias = bias;
    this.relu = relu;
    this.slices = slices.clone();
  }

  /**
   * Binds the forward pass's arrays.
   *
   * @param mask the dropout multipliers a training pass applies, or {@code null} for a layer without dropout
   */
  public void bind(float[] x, float[] y, float[] mask) {
    bindInputOutput(x, y);
    this.mask = mask;
  }

  @Override
  public void forward(int batch, boolean training) {
    for (TowerSlice s : slices) {
      Sgemm.parallel(
          false, true, batch, s.outCount(), inputs,
          x, 0, inputs,
          weight.value, s.outStart() * inputs, inputs,
          y, s.outStart(), units,
          false, bias.value, s.outStart(), relu, training ? mask : null);
    }
  }

  @Override
  public void backward(int batch, boolean training) {
    for (TowerSlice s : slices) {
      OutputGradient.units(dy, y, training ? mask : null, relu, batch, units, s.outStart(), s.outCount(), bias.grad);
      Sgemm.parallel(
          true, false, s.outCount(), inputs, batch,
          dy, s.outStart(), units,
          x, 0, inputs,
          weight.grad, s.outStart() * inputs, inputs,
          false, null, 0, false, null);
      if (dx != null) {
        Sgemm.parallel(
            false, false, batch, inputs, s.outCount(),
            dy, s.outStart(), units,
            weight.value, s.outStart() * inputs, inputs,
            dx, 0, inputs,
            s.addsToInputGradient(), null, 0, false, null);
      }
    }
  }
}
