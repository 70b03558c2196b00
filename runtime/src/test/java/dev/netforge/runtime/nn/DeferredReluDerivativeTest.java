package dev.netforge.runtime.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.netforge.runtime.Parallel;
import dev.netforge.runtime.Parameter;
import dev.netforge.runtime.Rng;
import dev.netforge.runtime.Scratch;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A convolution with a ReLU followed by an LRN or a max pooling, with the ReLU's derivative applied by that stage's
 * backward pass (as the planner fuses them) and by the convolution's own first backward pass: the same bits for every
 * gradient — the stage's input gradient (the convolution's g), the weight, bias and input gradients — on the im2col
 * path, Winograd's F(4×4, 3×3) and F(3×3, 5×5), and Winograd's over the phase planes of a strided first layer.
 */
class DeferredReluDerivativeTest {
  @ParameterizedTest
  @CsvSource({
    // kernel, channels in, height, width, filters, padding, stride, batch, the stage after it
    "3, 4, 9, 11, 6, 1, 1, 3, lrn",
    "3, 4, 9, 11, 6, 1, 1, 3, pool",
    "3, 64, 13, 13, 64, 1, 1, 5, lrn",
    "3, 64, 13, 13, 64, 1, 1, 5, pool",
    "5, 48, 11, 11, 64, 2, 1, 3, lrn",
    "11, 3, 47, 43, 16, 0, 4, 3, lrn",
    "11, 3, 47, 43, 16, 0, 4, 3, pool",
  })
  void theNextStageAppliesTheReluDerivativeToTheSameBits(
      int kernel, int in, int h, int w, int filters, int padding, int stride, int batch, String next) {
    int oh = (h + 2 * padding - kernel) / stride + 1;
    int ow = (w + 2 * padding - kernel) / stride + 1;
    ConvShape s = new ConvShape(in, h, w, filters, oh, ow, kernel, stride, padding, in);

    Rng rng = new Rng(kernel * 1000L + in * 10L + filters);
    float[] weights = rng.gaussians(filters * in * kernel * kernel, Math.sqrt(2.0 / (in * kernel * kernel)));
    float[] biases = rng.gaussians(filters, 0.1);
    float[] x = rng.gaussians(batch * in * h * w, 1);
    // The next stage's output gradient: an LRN keeps the shape, 3×3/2 pooling about quarters it.
    int ph = (oh - 3) / 2 + 1;
    int pw = (ow - 3) / 2 + 1;
    float[] outputGradient = rng.gaussians(batch * filters * (next.equals("lrn") ? oh * ow : ph * pw), 1);
    // The first layer of a network (stride 4 here) computes no input gradient.
    boolean inputGradient = stride == 1;

    IntFunction<Stage> own = applies -> next.equals("lrn")
        ? new LocalResponseNorm(new LrnShape(filters, oh * ow, 5, 1e-2f, 0.75f, 2f, 1), 0, applies == 1, new Scratch(Parallel.shared().threads()))
        : new MaxPool2d(new PoolShape(filters, oh, ow, ph, pw, 3, 2), 0, filters, applies == 1);
    float[][] itsOwn = run(s, own.apply(0), weights, biases, x, outputGradient, batch, false, inputGradient);
    float[][] deferred = run(s, own.apply(1), weights, biases, x, outputGradient, batch, true, inputGradient);

    assertArrayEquals(itsOwn[0], deferred[0], "the convolution's g");
    assertArrayEquals(itsOwn[1], deferred[1], "weight gradient");
    assertArrayEquals(itsOwn[2], deferred[2], "bias gradient");
    assertArrayEquals(itsOwn[3], deferred[3], "input gradient");
  }

  @Test
  void aDropoutMaskCannotBeBoundWhereTheDerivativeIsDeferred() {
    ConvShape s = new ConvShape(2, 5, 5, 3, 5, 5, 3, 1, 1, 2);
    Parameter weight = new Parameter("w", new int[] {3, 2, 3, 3}, 18, false, 0f);
    Parameter bias = new Parameter("b", new int[] {3}, 18, true, 0f);
    Conv2d conv = new Conv2d(s, weight, bias, true, true, new Scratch(1), new TowerSlice(0, 0, 3, false));
    assertThrows(IllegalArgumentException.class, () -> conv.bind(new float[50], new float[75], new float[75]));
    assertThrows(
        IllegalArgumentException.class, () -> new Conv2d(s, weight, bias, false, true, new Scratch(1), new TowerSlice(0, 0, 3, false)));
  }

  /** conv → ReLU → {@code next} forward, then backward from {@code next}'s output gradient: g, dW, db and dx. */
  private static float[][] run(
      ConvShape s, Stage next, float[] weights, float[] biases, float[] x, float[] outputGradient, int batch, boolean deferred,
      boolean inputGradient) {
    int patch = s.groupInputs() * s.kernel() * s.kernel();
    Parameter weight = new Parameter("w", new int[] {s.outChannels(), s.groupInputs(), s.kernel(), s.kernel()}, patch, false, 0f);
    Parameter bias = new Parameter("b", new int[] {s.outChannels()}, patch, true, 0f);
    System.arraycopy(weights, 0, weight.value, 0, weights.length);
    System.arraycopy(biases, 0, bias.value, 0, biases.length);
    Scratch scratch = new Scratch(Parallel.shared().threads());
    Conv2d conv = new Conv2d(s, weight, bias, true, deferred, scratch, new TowerSlice(0, 0, s.outChannels(), false));
    float[] y = new float[batch * s.outChannels() * s.outPlane()];
    float[] dy = new float[y.length];
    float[] nextGradient = outputGradient.clone();
    float[] dx = inputGradient ? new float[x.length] : null;
    conv.bind(x, y, null);
    conv.bindGradients(dy, dx);
    if (next instanceof LocalResponseNorm lrn) {
      lrn.bind(y, new float[y.length], new float[y.length]);
    } else {
      ((MaxPool2d) next).bind(y, new float[outputGradient.length], new int[outputGradient.length]);
    }
    next.bindGradients(nextGradient, dy);
    conv.forward(batch, true);
    next.forward(batch, true);
    next.backward(batch, true);
    conv.backward(batch, true);
    return new float[][] {dy, weight.grad.clone(), bias.grad.clone(), dx == null ? new float[0] : dx};
  }
}
