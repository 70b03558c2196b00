package dev.netforge.runtime.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.netforge.runtime.Parallel;
import dev.netforge.runtime.Parameter;
import dev.netforge.runtime.Rng;
import dev.netforge.runtime.Scratch;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A first layer whose two towers read the same input, run as the Java emitter runs it — one {@link Conv2d} over both
 * towers' filters on every thread — gives the bits of the two towers' objects run side by side: its output, weight
 * gradient and bias gradient, for each algorithm where the towers' filter count and the whole layer's take the same
 * one (which the shapes here are checked to do): Winograd's over the phase planes of a strided convolution (AlexNet's
 * conv1, smaller planes), Winograd's F(4×4, 3×3) and its dual, and im2col (MiniAlexNet's conv1).
 */
class MergedTowersTest {
  @ParameterizedTest
  @CsvSource({
    // kernel, channels in, height, width, filters per tower, padding, stride, batch
    "11, 3, 47, 43, 48, 0, 4, 3",
    "3, 64, 13, 13, 64, 1, 1, 35",
    "5, 1, 12, 12, 8, 2, 1, 5",
  })
  void oneObjectOverBothTowersGivesTheTowersBits(int kernel, int in, int h, int w, int perTower, int padding, int stride, int batch) {
    int oh = (h + 2 * padding - kernel) / stride + 1;
    int ow = (w + 2 * padding - kernel) / stride + 1;
    ConvShape s = new ConvShape(in, h, w, 2 * perTower, oh, ow, kernel, stride, padding, in);
    assertEquals(ConvolutionPaths.overPhasePlanes(s, perTower), ConvolutionPaths.overPhasePlanes(s, 2 * perTower), "the same path");
    assertEquals(ConvolutionPaths.winogradKernel(s, perTower), ConvolutionPaths.winogradKernel(s, 2 * perTower), "the same path");
    Rng rng = new Rng(kernel * 100L + in);
    Parameter weight = new Parameter("w", new int[] {2 * perTower, in, kernel, kernel}, in * kernel * kernel, false, 0f);
    Parameter bias = new Parameter("b", new int[] {2 * perTower}, in * kernel * kernel, true, 0f);
    rng.fillGaussian(weight.value, Math.sqrt(2.0 / (in * kernel * kernel)));
    rng.fillGaussian(bias.value, 0.1);
    float[] x = new float[batch * in * h * w];
    rng.fillGaussian(x, 1);
    float[] outputGradient = new float[batch * 2 * perTower * oh * ow];
    rng.fillGaussian(outputGradient, 1);

    Conv2d[] towers = {
      new Conv2d(s, weight, bias, true, new Scratch(Parallel.shared().threads()), new TowerSlice(0, 0, perTower, false)),
      new Conv2d(s, weight, bias, true, new Scratch(Parallel.shared().threads()), new TowerSlice(0, perTower, perTower, false))};
    float[][] side = run(x, outputGradient, weight, bias, batch, t -> towers[t], 2);
    Conv2d whole = new Conv2d(s, weight, bias, true, new Scratch(Parallel.shared().threads()), new TowerSlice(0, 0, 2 * perTower, false));
    float[][] merged = run(x, outputGradient, weight, bias, batch, t -> whole, 1);

    assertArrayEquals(side[0], merged[0], "output");
    assertArrayEquals(side[1], merged[1], "weight gradient");
    assertArrayEquals(side[2], merged[2], "bias gradient");
  }

  /** Forward and backward (no input gradient, as a first layer's) through {@code objects} stage objects side by side. */
  private static float[][] run(
      float[] x, float[] outputGradient, Parameter weight, Parameter bias, int batch, java.util.function.IntFunction<Conv2d> stage, int objects) {
    float[] y = new float[outputGradient.length];
    float[] dy = outputGradient.clone();
    for (int t = 0; t < objects; t++) {
      stage.apply(t).bind(x, y, null);
      stage.apply(t).bindGradients(dy, null);
    }
    Parallel.shared().towers(objects, t -> stage.apply(t).forward(batch, true));
    Parallel.shared().towers(objects, t -> stage.apply(t).backward(batch, true));
    return new float[][] {y, weight.grad.clone(), bias.grad.clone()};
  }
}
