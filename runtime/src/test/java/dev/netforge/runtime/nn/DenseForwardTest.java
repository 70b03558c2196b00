package dev.netforge.runtime.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.netforge.runtime.Parameter;
import dev.netforge.runtime.Rng;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The dense forward pass against the definition, y[n, u] = relu(Σ_i W[u, i] · x[n, i] + b[u]) · mask[n, u], for a
 * tower's slice of units that starts past 0 and spans several of the blocks in which the transposed GEMM output is
 * copied into y, with a partial block at each end; the other tower's units must stay untouched.
 */
class DenseForwardTest {
  @Test
  void aSliceOfUnitsEqualsTheDefinition() {
    int inputs = 29;
    int units = 83;
    int batch = 7;
    TowerSlice slice = new TowerSlice(0, 21, 45, false);
    Rng rng = new Rng(17);
    Parameter weight = new Parameter("fc.weight", new int[] {units, inputs}, inputs, false, 0f);
    Parameter bias = new Parameter("fc.bias", new int[] {units}, inputs, true, 0f);
    rng.fillGaussian(weight.value, 1);
    rng.fillGaussian(bias.value, 1);
    float[] x = new float[batch * inputs];
    rng.fillGaussian(x, 1);
    float[] mask = new float[batch * units];
    for (int i = 0; i < mask.length; i++) {
      mask[i] = rng.nextDouble() < 0.5 ? 0f : 2f;
    }
    float[] y = new float[batch * units];
    Arrays.fill(y, -7f);
    Dense dense = new Dense(inputs, units, weight, bias, true, slice);
    dense.bind(x, y, mask);
    dense.forward(batch, true);
    for (int n = 0; n < batch; n++) {
      for (int u = 0; u < units; u++) {
        float expected = -7f;
        if (u >= slice.outStart() && u < slice.outStart() + slice.outCount()) {
          double z = bias.value[u];
          for (int i = 0; i < inputs; i++) {
            z += (double) weight.value[u * inputs + i] * x[n * inputs + i];
          }
          expected = (float) Math.max(0, z) * mask[n * units + u];
        }
        assertEquals(expected, y[n * units + u], 1e-5f, "y[" + n + ", " + u + "]");
      }
    }
  }
}
