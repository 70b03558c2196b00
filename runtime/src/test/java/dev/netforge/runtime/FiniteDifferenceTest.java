package dev.netforge.runtime;

import static dev.netforge.runtime.Reference.assertClose;

import dev.netforge.runtime.nn.AvgPool2d;
import dev.netforge.runtime.nn.Conv2d;
import dev.netforge.runtime.nn.ConvShape;
import dev.netforge.runtime.nn.Dense;
import dev.netforge.runtime.nn.Dropout;
import dev.netforge.runtime.nn.LocalResponseNorm;
import dev.netforge.runtime.nn.LrnShape;
import dev.netforge.runtime.nn.MaxPool2d;
import dev.netforge.runtime.nn.PoolShape;
import dev.netforge.runtime.nn.SoftmaxCrossEntropy;
import dev.netforge.runtime.nn.TowerSlice;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Each fused backward pass against central finite differences of the float64 layers in {@link Float64Layers}, on
 * small shapes, for the loss {@code L = Σ r·y} with a fixed random {@code r} (so ∂L/∂y = r).
 */
class FiniteDifferenceTest {
  private static final double EPS = 1e-5;
  private final Rng rng = new Rng(42);

  /** ∂f/∂v[i] for every i, by central differences in float64. */
  private static float[] numeric(double[] v, ToDoubleFunction<double[]> f) {
    float[] g = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      double keep = v[i];
      v[i] = keep + EPS;
      double up = f.applyAsDouble(v);
      v[i] = keep - EPS;
      double down = f.applyAsDouble(v);
      v[i] = keep;
      g[i] = (float) ((up - down) / (2 * EPS));
    }
    return g;
  }

  /** Convolution with stride, padding, groups, fused ReLU and dropout, split over two towers as the planner does. */
  @ParameterizedTest
  @CsvSource({"1, 1, false, false", "2, 2, true, true", "1, 2, true, false", "4, 1, false, true"})
  void convolution(int groups, int stride, boolean relu, boolean dropout) {
    int n = 2, c = 4, h = 7, w = 6, f = 8, k = 3, pad = 1;
    int oh = (h + 2 * pad - k) / stride + 1, ow = (w + 2 * pad - k) / stride + 1;
    ConvShape s = new ConvShape(c, h, w, f, oh, ow, k, stride, pad, c / groups);
    float[] x = rng.gaussians(n * c * h * w, 1);
    float[] wt = rng.gaussians(f * s.patch(), 0.3);
    float[] b = rng.gaussians(f, 0.1);
    float[] mask = null;
    if (dropout) {
      mask = new float[n * f * oh * ow];
      Dropout.drawMask(42, 1, 0, 0, mask, n, f * oh * ow, 0.3f);
    }
    float[] r = rng.gaussians(n * f * oh * ow, 1);
    float[] maskF = mask;
    // Two towers: tower t owns filters [t·f/2, (t+1)·f/2), split further at group boundaries.
    // One stage runs every slice in order; a slice reading input channels a slice before it read adds to their gradient.
    float[] y = new float[r.length];
    int fg = f / groups;
    int[][] cuts = towerSlices(f, groups, 2);
    TowerSlice[] slices = new TowerSlice[cuts.length];
    boolean[] touched = new boolean[c];
    for (int i = 0; i < cuts.length; i++) {
      int inStart = cuts[i][0] / fg * (c / groups);
      slices[i] = new TowerSlice(inStart, cuts[i][0], cuts[i][1], touched[inStart]);
      for (int j = inStart; j < inStart + c / groups; j++) {
        touched[j] = true;
      }
    }
    Parameter weight = TestParameters.of("weight", wt);
    Parameter bias = TestParameters.of("bias", b);
    Conv2d conv = new Conv2d(s, weight, bias, relu, new Scratch(Parallel.shared().threads()), slices);
    conv.bind(x, y, mask);
    conv.forward(n, true);
    double[] x64 = Float64Layers.widen(x);
    double[] w64 = Float64Layers.widen(wt);
    double[] b64 = Float64Layers.widen(b);
    assertClose("forward", y, toFloat(Float64Layers.conv(x64, n, c, h, w, w64, b64, f, k, stride, pad, groups, oh, ow, relu, mask)), 1e-5);

    float[] dx = new float[x.length];
    conv.bindGradients(r.clone(), dx);
    conv.backward(n, true);
    float[] dw = weight.grad;
    float[] db = bias.grad;
    assertClose("dx", dx, numeric(x64, v -> Float64Layers.dot(Float64Layers.conv(v, n, c, h, w, w64, b64, f, k, stride, pad, groups, oh, ow, relu, maskF), r)));
    assertClose("dW", dw, numeric(w64, v -> Float64Layers.dot(Float64Layers.conv(x64, n, c, h, w, v, b64, f, k, stride, pad, groups, oh, ow, relu, maskF), r)));
    assertClose("db", db, numeric(b64, v -> Float64Layers.dot(Float64Layers.conv(x64, n, c, h, w, w64, v, f, k, stride, pad, groups, oh, ow, relu, maskF), r)));
  }

  /** {start, count} of each tower's piece of each group, as the planner cuts them. */
  private static int[][] towerSlices(int filters, int groups, int towers) {
    java.util.List<int[]> out = new java.util.ArrayList<>();
    int per = filters / towers;
    int fg = filters / groups;
    for (int t = 0; t < towers; t++) {
      for (int g = 0; g < groups; g++) {
        int start = Math.max(g * fg, t * per);
        int end = Math.min((g + 1) * fg, (t + 1) * per);
        if (start < end) {
          out.add(new int[] {start, end - start});
        }
      }
    }
    return out.toArray(new int[0][]);
  }

  @ParameterizedTest
  @CsvSource({"false, false", "true, true"})
  void dense(boolean relu, boolean dropout) {
    int n = 3, in = 10, units = 6;
    float[] x = rng.gaussians(n * in, 1);
    float[] wt = rng.gaussians(units * in, 0.5);
    float[] b = rng.gaussians(units, 0.1);
    float[] mask = null;
    if (dropout) {
      mask = new float[n * units];
      Dropout.drawMask(42, 1, 0, 0, mask, n, units, 0.5f);
    }
    float[] maskF = mask;
    float[] r = rng.gaussians(n * units, 1);
    float[] y = new float[n * units];
    Parameter weight = TestParameters.of("weight", wt);
    Parameter bias = TestParameters.of("bias", b);
    // Two towers, the second adding to the input gradient the first wrote.
    Dense[] towers = new Dense[2];
    for (int t = 0; t < 2; t++) {
      towers[t] = new Dense(in, units, weight, bias, relu, new TowerSlice(0, t * units / 2, units / 2, t > 0));
      towers[t].bind(x, y, mask);
      towers[t].forward(n, true);
    }
    double[] x64 = Float64Layers.widen(x);
    double[] w64 = Float64Layers.widen(wt);
    double[] b64 = Float64Layers.widen(b);
    assertClose("forward", y, toFloat(Float64Layers.dense(x64, n, in, w64, b64, units, relu, mask)), 1e-5);
    float[] dy = r.clone();
    float[] dx = new float[x.length];
    for (Dense tower : towers) {
      tower.bindGradients(dy, dx);
      tower.backward(n, true);
    }
    float[] dw = weight.grad;
    float[] db = bias.grad;
    assertClose("dx", dx, numeric(x64, v -> Float64Layers.dot(Float64Layers.dense(v, n, in, w64, b64, units, relu, maskF), r)));
    assertClose("dW", dw, numeric(w64, v -> Float64Layers.dot(Float64Layers.dense(x64, n, in, v, b64, units, relu, maskF), r)));
    assertClose("db", db, numeric(b64, v -> Float64Layers.dot(Float64Layers.dense(x64, n, in, w64, v, units, relu, maskF), r)));
  }

  @ParameterizedTest
  @CsvSource({"1, 0.0001", "2, 0.1", "1, 0.5"})
  void localResponseNormalization(int towers, double alpha) {
    int n = 2, c = 10, plane = 6, size = 5;
    LrnShape s = new LrnShape(c, plane, size, (float) alpha, 0.75f, 2f, towers);
    float[] a = rng.gaussians(n * c * plane, 3);
    float[] r = rng.gaussians(a.length, 1);
    float[] b = new float[a.length];
    float[] scale = new float[a.length];
    Scratch scratch = new Scratch(1);
    LocalResponseNorm[] stages = new LocalResponseNorm[towers];
    for (int t = 0; t < towers; t++) {
      stages[t] = new LocalResponseNorm(s, t, scratch);
      stages[t].bind(a, b, scale);
      stages[t].forward(n, true);
    }
    double[] a64 = Float64Layers.widen(a);
    float alphaF = (float) alpha;
    assertClose("forward", b, toFloat(Float64Layers.lrn(a64, n, c, plane, size, alphaF, 0.75, 2, towers)), 1e-5);
    float[] da = new float[a.length];
    for (LocalResponseNorm stage : stages) {
      stage.bindGradients(r, da);
      stage.backward(n, true);
    }
    assertClose("da", da, numeric(a64, v -> Float64Layers.dot(Float64Layers.lrn(v, n, c, plane, size, alphaF, 0.75, 2, towers), r)));
  }

  @ParameterizedTest
  @CsvSource({"9, 9, 3, 2", "8, 8, 3, 2", "6, 6, 2, 2"})
  void maxPool(int h, int w, int k, int stride) {
    int planes = 6;
    int oh = (h - k) / stride + 1, ow = (w - k) / stride + 1;
    PoolShape s = new PoolShape(3, h, w, oh, ow, k, stride);
    float[] x = rng.gaussians(planes * h * w, 1);
    float[] r = rng.gaussians(planes * oh * ow, 1);
    float[] y = new float[r.length];
    int[] argmax = new int[r.length];
    // Two channel ranges, as two towers would run it.
    MaxPool2d[] stages = {new MaxPool2d(s, 0, 1), new MaxPool2d(s, 1, 2)};
    for (MaxPool2d stage : stages) {
      stage.bind(x, y, argmax);
      stage.forward(2, true);
    }
    double[] x64 = Float64Layers.widen(x);
    assertClose("forward", y, toFloat(Float64Layers.maxPool(x64, planes, h, w, oh, ow, k, stride)), 0);
    float[] dx = new float[x.length];
    for (MaxPool2d stage : stages) {
      stage.bindGradients(r, dx);
      stage.backward(2, true);
    }
    assertClose("dx", dx, numeric(x64, v -> Float64Layers.dot(Float64Layers.maxPool(v, planes, h, w, oh, ow, k, stride), r)));
  }

  /** Average pooling with padding counted, overlapping and floor-rounded windows, over two towers' channel ranges. */
  @ParameterizedTest
  @CsvSource({"7, 6, 3, 2, 1", "8, 8, 2, 2, 0", "9, 7, 3, 1, 1", "6, 5, 5, 3, 2"})
  void averagePool(int h, int w, int k, int stride, int pad) {
    int planes = 6;
    int oh = (h + 2 * pad - k) / stride + 1, ow = (w + 2 * pad - k) / stride + 1;
    PoolShape s = new PoolShape(3, h, w, oh, ow, k, stride, pad);
    float[] x = rng.gaussians(planes * h * w, 1);
    float[] r = rng.gaussians(planes * oh * ow, 1);
    float[] y = new float[r.length];
    AvgPool2d[] stages = {new AvgPool2d(s, 0, 1), new AvgPool2d(s, 1, 2)};
    for (AvgPool2d stage : stages) {
      stage.bind(x, y);
      stage.forward(2, true);
    }
    double[] x64 = Float64Layers.widen(x);
    assertClose("forward", y, toFloat(Float64Layers.avgPool(x64, planes, h, w, oh, ow, k, stride, pad)));
    float[] dx = new float[x.length];
    for (AvgPool2d stage : stages) {
      stage.bindGradients(r, dx);
      stage.backward(2, true);
    }
    assertClose("dx", dx, numeric(x64, v -> Float64Layers.dot(Float64Layers.avgPool(v, planes, h, w, oh, ow, k, stride, pad), r)));
  }

  @Test
  void softmaxCrossEntropy() {
    int n = 4, classes = 7;
    float[] z = rng.gaussians(n * classes, 2);
    int[] labels = {0, 6, 3, 3};
    float[] grad = new float[z.length];
    SoftmaxCrossEntropy.lossAndGradient(z, labels, n, classes, grad);
    double[] z64 = Float64Layers.widen(z);
    assertClose("dz", grad, numeric(z64, v -> {
      double total = 0;
      for (int b = 0; b < n; b++) {
        double sum = 0;
        for (int c = 0; c < classes; c++) {
          sum += Math.exp(v[b * classes + c]);
        }
        total += Math.log(sum) - v[b * classes + labels[b]];
      }
      return total / n;
    }));
  }

  private static float[] toFloat(double[] v) {
    float[] f = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      f[i] = (float) v[i];
    }
    return f;
  }
}
