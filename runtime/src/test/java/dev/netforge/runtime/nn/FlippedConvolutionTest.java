package dev.netforge.runtime.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netforge.runtime.Parallel;
import dev.netforge.runtime.Parameter;
import dev.netforge.runtime.Rng;
import dev.netforge.runtime.Scratch;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The input gradient of {@link Conv2d#backward} where it runs as a {@link FlippedConvolution} against the definition
 * {@code dx[c, y, x] = Σ g[o, oy, ox] · W[o, c, y + p − oy, x + p − ox]} in float64: odd and non-square planes, every
 * padding from 0 to {@code kernel − 1}, groups, a batch that leaves a partial group of examples, and the second group
 * slice adding into what the first wrote over the same input channels.
 */
class FlippedConvolutionTest {
  @ParameterizedTest
  @CsvSource({
    // channels in, height, width, channels out, kernel, padding, groups, batch
    "8, 6, 6, 8, 3, 1, 1, 5",
    "8, 7, 7, 6, 5, 2, 2, 3",
    "6, 7, 9, 4, 3, 0, 2, 4",
    "6, 5, 6, 3, 3, 2, 1, 17",
    "10, 4, 3, 10, 5, 4, 5, 2",
    "3, 9, 7, 5, 1, 0, 1, 3",
    "40, 6, 6, 40, 3, 1, 2, 9"
  })
  void inputGradientIsTheAdjointOfTheConvolution(int inChannels, int height, int width, int outChannels, int kernel, int padding, int groups, int batch) {
    int outHeight = height + 2 * padding - kernel + 1;
    int outWidth = width + 2 * padding - kernel + 1;
    int groupInputs = inChannels / groups;
    ConvShape s = new ConvShape(inChannels, height, width, outChannels, outHeight, outWidth, kernel, 1, padding, groupInputs);
    Rng rng = new Rng(inChannels * 1000L + height * 100L + kernel * 10L + padding);
    float[] x = rng.gaussians(batch * inChannels * s.inPlane(), 1);
    float[] weight = rng.gaussians(outChannels * s.patch(), 1);
    float[] dy = rng.gaussians(batch * outChannels * s.outPlane(), 1);
    // No ReLU and no mask: the pre-activation gradient the backward pass works from is dy itself.
    float[] y = new float[dy.length];
    double[] expected = new double[x.length];
    int perGroup = outChannels / groups;
    for (int n = 0; n < batch; n++) {
      for (int o = 0; o < outChannels; o++) {
        int g = o / perGroup;
        for (int c = 0; c < groupInputs; c++) {
          for (int oy = 0; oy < outHeight; oy++) {
            for (int ox = 0; ox < outWidth; ox++) {
              double d = dy[((n * outChannels + o) * outHeight + oy) * outWidth + ox];
              for (int ky = 0; ky < kernel; ky++) {
                for (int kx = 0; kx < kernel; kx++) {
                  int iy = oy - padding + ky;
                  int ix = ox - padding + kx;
                  if (iy >= 0 && iy < height && ix >= 0 && ix < width) {
                    expected[((n * inChannels + g * groupInputs + c) * height + iy) * width + ix] +=
                        d * weight[((o * groupInputs + c) * kernel + ky) * kernel + kx];
                  }
                }
              }
            }
          }
        }
      }
    }

    Parameter w = new Parameter("conv.weight", new int[] {outChannels, groupInputs, kernel, kernel}, s.patch(), false, 0f);
    System.arraycopy(weight, 0, w.value, 0, weight.length);
    Parameter b = new Parameter("conv.bias", new int[] {outChannels}, s.patch(), true, 0f);
    float[] dx = new float[x.length];
    // Each group's output channels in two slices, as two towers split them: the second adds into the first's.
    int half = perGroup / 2;
    assertTrue(FlippedConvolution.applies(s, half) && FlippedConvolution.applies(s, perGroup - half));
    TowerSlice[] slices = new TowerSlice[2 * groups];
    for (int g = 0; g < groups; g++) {
      slices[2 * g] = new TowerSlice(g * groupInputs, g * perGroup, half, false);
      slices[2 * g + 1] = new TowerSlice(g * groupInputs, g * perGroup + half, perGroup - half, true);
    }
    Conv2d conv = new Conv2d(s, w, b, false, new Scratch(Parallel.shared().threads()), slices);
    conv.bind(x, y, null);
    conv.bindGradients(dy, dx);
    conv.backward(batch, false);
    for (int i = 0; i < dx.length; i++) {
      assertEquals(expected[i], dx[i], 1e-4 * (1 + Math.abs(expected[i])), "dx[" + i + "]");
    }
  }
}
