package dev.netforge.processor.networks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The reference itself: its hand-written backward against central finite differences of its forward, on random
 * declarations away from ReLU and max-pooling kinks — so that a match with it means the generated code is right.
 */
class Float64NetworkTest {
  private static final int BATCH = 2;
  private static final double STEP = 1e-6;

  @Test
  void backwardIsTheDerivativeOfForward() {
    int checked = 0;
    for (long seed = 1; checked < 12; seed++) {
      Declaration d = new DeclarationGenerator(seed).valid("Reference" + seed);
      Float64Network network = new Float64Network(d);
      Random random = new Random(seed);
      Map<String, double[]> parameters = new HashMap<>();
      network.parameterShapes().forEach((name, shape) -> {
        int size = 1;
        for (int dim : shape) {
          size *= dim;
        }
        parameters.put(name, gaussian(random, size, name.endsWith(".bias") ? 0.1 : 1.0 / Math.sqrt(size / shape[0])));
      });
      double[] x = gaussian(random, BATCH * d.channels() * d.height() * d.width(), 1);
      Float64Network.Pass pass = network.new Pass(x, BATCH, parameters);
      if (pass.closestCall() < 1e-3) {
        continue; // a kink within reach of the finite-difference step
      }
      checked++;
      double[] g = gaussian(random, pass.output().length, 1);
      Map<String, double[]> gradients = new HashMap<>();
      double[] dx = pass.backward(g, gradients);
      Function<double[], Double> loss = input -> dot(network.new Pass(input, BATCH, parameters).output(), g);
      assertDerivatives("seed " + seed + " ∂input\n" + d, x, dx, loss, random);
      for (Map.Entry<String, double[]> p : parameters.entrySet()) {
        double[] value = p.getValue();
        assertDerivatives("seed " + seed + " ∂" + p.getKey() + "\n" + d, value, gradients.get(p.getKey()),
            changed -> dot(network.new Pass(x, BATCH, parameters).output(), g), random);
      }
    }
  }

  /** Central differences at a few coordinates of {@code point} (changed in place and restored) against {@code analytic}. */
  private static void assertDerivatives(String what, double[] point, double[] analytic, Function<double[], Double> loss, Random random) {
    double scale = 0;
    for (double a : analytic) {
      scale = Math.max(scale, Math.abs(a));
    }
    for (int k = 0; k < 6; k++) {
      int i = random.nextInt(point.length);
      double saved = point[i];
      point[i] = saved + STEP;
      double up = loss.apply(point);
      point[i] = saved - STEP;
      double down = loss.apply(point);
      point[i] = saved;
      assertEquals((up - down) / (2 * STEP), analytic[i], 1e-5 * Math.max(scale, 1e-3), what + " at " + i);
    }
    assertTrue(analytic.length == point.length, what + " length");
  }

  private static double[] gaussian(Random random, int count, double scale) {
    double[] v = new double[count];
    for (int i = 0; i < count; i++) {
      v[i] = scale * random.nextGaussian();
    }
    return v;
  }

  private static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }
}
