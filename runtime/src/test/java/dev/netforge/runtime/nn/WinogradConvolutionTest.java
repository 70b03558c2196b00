package dev.netforge.runtime.nn;

import dev.netforge.runtime.gemm.Sgemm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netforge.runtime.Parallel;
import dev.netforge.runtime.Parameter;
import dev.netforge.runtime.Rng;
import dev.netforge.runtime.Scratch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link Conv2d}'s forward pass, input gradient and weight gradient where they run by Winograd's algorithms ({@link
 * WinogradConvolution}, {@link WinogradWeightGradient}), against the
 * definitions in float64: 3×3 and 5×5 filters, odd and even, square and non-square planes (partial tiles at the right
 * and bottom edges), paddings 0 to kernel − 1, strided convolutions over their phase planes ({@link PhasePlanes}: 5×5
 * to 11×11 filters at strides 2 to 4, planes whose last windows leave input columns and rows unread), groups, two slices a group (the second adding into the first's input
 * gradient, as two towers do), a batch that leaves a partial block of tiles and one of several leaves of the weight
 * gradient's sum, and the forward epilogue (bias; ReLU with and without the dropout mask, and neither). The weights
 * are scaled as He's initialisation scales them (outputs of order 1, as in a network), so that the tolerance's floor
 * means the same for both sizes.
 */
class WinogradConvolutionTest {
  @ParameterizedTest
  @CsvSource({
    // kernel, channels in, height, width, channels out, padding, groups, batch, stride
    "3, 128, 13, 13, 256, 1, 1, 7, 1",
    // 35 examples: two leaves of the weight gradient's sum (BatchTree.longLeaf: 32 for a batch of up to 64); 70: two
    // leaves of 35 (leaves of up to 64 above 64)
    "3, 128, 6, 6, 256, 1, 1, 35, 1",
    "3, 128, 6, 6, 256, 1, 1, 70, 1",
    "3, 256, 7, 9, 512, 1, 2, 3, 1",
    "3, 128, 5, 6, 256, 0, 1, 2, 1",
    "3, 128, 4, 3, 256, 2, 1, 5, 1",
    // 7×7 outputs: the weight gradient by F(3×3, 4×4), over two leaves
    "3, 128, 7, 7, 256, 1, 1, 34, 1",
    // few enough channels for F(5×5, 3×3) and its dual F(3×3, 5×5) (WinogradConvolution.fiveByFiveFits): 13×13 in
    // 3×3 tiles of 5, and 14×13 with partial tiles, grouped
    "3, 64, 13, 13, 128, 1, 1, 3, 1",
    "3, 128, 14, 13, 256, 1, 2, 3, 1",
    "5, 64, 13, 13, 256, 2, 1, 3, 1",
    "5, 64, 7, 6, 256, 2, 1, 35, 1",
    "5, 128, 9, 7, 256, 1, 2, 2, 1",
    "5, 64, 6, 5, 256, 0, 1, 5, 1",
    "5, 64, 3, 4, 256, 4, 1, 2, 1",
    // 5×5 planes of 4×4 both ways, F(2×2, 5×5)'s (the others take F(3×3, 5×5); 6×5 into 2×1 forward only)
    "5, 64, 4, 4, 256, 2, 1, 3, 1",
    // Few input channels against the filters: the input gradient as the forward pass's adjoint (WinogradInputGradient),
    // as in the AlexNets' conv2 towers (48 channels, 128 filters); two groups of 48 over partial tiles; 35 examples in
    // two leaves; 20 channels (a vector and a part); a padding of 4 around 3×4 planes
    "5, 48, 13, 13, 256, 2, 1, 3, 1",
    "5, 96, 9, 7, 256, 1, 2, 2, 1",
    "5, 32, 7, 6, 128, 2, 1, 35, 1",
    "5, 20, 9, 9, 256, 2, 1, 3, 1",
    "5, 48, 3, 4, 256, 4, 1, 2, 1",
    // k past Sgemm's block of 256 (the packed filters' second block): forward 272 inputs, input gradient 300 filters
    "3, 272, 6, 5, 300, 1, 1, 3, 1",
    "5, 260, 5, 5, 70, 2, 1, 2, 1",
    // strided, over phase planes: the AlexNets' conv1 (11×11 at stride 4, 3 channels), grouped; 5×5 at 2, 7×7 at 3,
    // 9×9 at 4
    "11, 3, 47, 43, 128, 2, 1, 3, 4",
    "11, 6, 40, 42, 192, 0, 2, 2, 4",
    "5, 16, 21, 20, 128, 2, 1, 3, 2",
    "7, 8, 25, 23, 128, 1, 1, 2, 3",
    "9, 4, 30, 30, 64, 3, 1, 2, 4",
  })
  void matchesTheDirectConvolution(
      int kernel, int inChannels, int height, int width, int outChannels, int padding, int groups, int batch, int stride) {
    int outHeight = (height + 2 * padding - kernel) / stride + 1;
    int outWidth = (width + 2 * padding - kernel) / stride + 1;
    int groupInputs = inChannels / groups;
    ConvShape s = new ConvShape(inChannels, height, width, outChannels, outHeight, outWidth, kernel, stride, padding, groupInputs);
    int perGroup = outChannels / groups;
    int half = perGroup / 2;
    for (int outCount : new int[] {half, perGroup - half}) {
      assertTrue(stride == 1 ? WinogradConvolution.applies(s, outCount) : PhasePlanes.applies(s, outCount), "the shapes must take the Winograd path");
    }
    Rng rng = new Rng(inChannels * 1000L + height * 100L + width * 10L + padding);
    float[] x = rng.gaussians(batch * inChannels * s.inPlane(), 1);
    float[] weight = rng.gaussians(outChannels * s.patch(), 1);
    for (int i = 0; i < weight.length; i++) {
      weight[i] *= (float) Math.sqrt(2.0 / s.patch());
    }
    float[] biases = rng.gaussians(outChannels, 1);
    float[] mask = new float[batch * outChannels * s.outPlane()];
    for (int i = 0; i < mask.length; i++) {
      mask[i] = rng.nextGaussian() < 0 ? 0f : 2f;
    }
    float[] dy = rng.gaussians(mask.length, 1);

    double[] z = new double[mask.length];
    double[] dxExpected = new double[x.length];
    double[] dwExpected = new double[weight.length];
    for (int n = 0; n < batch; n++) {
      for (int o = 0; o < outChannels; o++) {
        int g = o / perGroup;
        for (int oy = 0; oy < outHeight; oy++) {
          for (int ox = 0; ox < outWidth; ox++) {
            int yi = ((n * outChannels + o) * outHeight + oy) * outWidth + ox;
            double sum = biases[o];
            for (int c = 0; c < groupInputs; c++) {
              for (int ky = 0; ky < kernel; ky++) {
                for (int kx = 0; kx < kernel; kx++) {
                  int iy = oy * stride - padding + ky;
                  int ix = ox * stride - padding + kx;
                  if (iy >= 0 && iy < height && ix >= 0 && ix < width) {
                    int xi = ((n * inChannels + g * groupInputs + c) * height + iy) * width + ix;
                    int wi = ((o * groupInputs + c) * kernel + ky) * kernel + kx;
                    double w = weight[wi];
                    sum += x[xi] * w;
                    dxExpected[xi] += dy[yi] * w;
                    dwExpected[wi] += (double) dy[yi] * x[xi];
                  }
                }
              }
            }
            z[yi] = sum;
          }
        }
      }
    }

    Parameter w = new Parameter("conv.weight", new int[] {outChannels, groupInputs, kernel, kernel}, s.patch(), false, 0f);
    System.arraycopy(weight, 0, w.value, 0, weight.length);
    Parameter b = new Parameter("conv.bias", new int[] {outChannels}, s.patch(), true, 0f);
    System.arraycopy(biases, 0, b.value, 0, biases.length);
    TowerSlice[] slices = new TowerSlice[2 * groups];
    for (int g = 0; g < groups; g++) {
      slices[2 * g] = new TowerSlice(g * groupInputs, g * perGroup, half, false);
      slices[2 * g + 1] = new TowerSlice(g * groupInputs, g * perGroup + half, perGroup - half, true);
    }

    // Forward with bias, ReLU and mask.
    float[] y = new float[mask.length];
    Conv2d relu = new Conv2d(s, w, b, true, new Scratch(Parallel.shared().threads()), slices);
    relu.bind(x, y, mask);
    relu.forward(batch, true);
    for (int i = 0; i < y.length; i++) {
      double expected = Math.max(z[i], 0) * mask[i];
      assertEquals(expected, y[i], 1e-4 * (1 + Math.abs(expected)), "y[" + i + "]");
    }

    // ReLU without a mask (a convolution without dropout, as every one of the AlexNets' is), and neither.
    Conv2d plain = new Conv2d(s, w, b, false, new Scratch(Parallel.shared().threads()), slices);
    float[] yRelu = new float[mask.length];
    relu.bind(x, yRelu, null);
    relu.forward(batch, true);
    float[] yPlain = new float[mask.length];
    plain.bind(x, yPlain, null);
    plain.forward(batch, true);
    for (int i = 0; i < y.length; i++) {
      double expected = Math.max(z[i], 0);
      assertEquals(expected, yRelu[i], 1e-4 * (1 + Math.abs(expected)), "y[" + i + "] with ReLU, no mask");
      assertEquals(z[i], yPlain[i], 1e-4 * (1 + Math.abs(z[i])), "y[" + i + "] without ReLU");
    }

    // The input and weight gradients, without ReLU and mask so that the gradient the backward pass works from is dy itself.
    float[] dx = new float[x.length];
    plain.bind(x, new float[mask.length], null);
    plain.bindGradients(dy, dx);
    plain.backward(batch, false);
    for (int i = 0; i < dx.length; i++) {
      assertEquals(dxExpected[i], dx[i], 1e-4 * (1 + Math.abs(dxExpected[i])), "dx[" + i + "]");
    }
    // A sum over every example and position: its float32 rounding grows with the count of terms.
    double scale = Math.sqrt(batch * s.outPlane());
    for (int i = 0; i < weight.length; i++) {
      assertEquals(dwExpected[i], w.grad[i], 1e-4 * (scale + Math.abs(dwExpected[i])), "dW[" + i + "]");
    }

    // Without an input gradient (a network's first layer): the weight gradient of a strided convolution then runs over
    // its phase planes too.
    float[] dw = w.grad.clone();
    plain.bindGradients(dy, null);
    plain.backward(batch, false);
    float[] dwFirstLayer = w.grad.clone();
    for (int i = 0; i < weight.length; i++) {
      assertEquals(dwExpected[i], dwFirstLayer[i], 1e-4 * (scale + Math.abs(dwExpected[i])), "dW[" + i + "] without an input gradient");
    }
    if (stride == 1) {
      assertArrayEquals(dw, dwFirstLayer, "dW is the same computation with and without an input gradient");
    }

    // The threads claim blocks of tiles and leaves as they come free: one thread and three give the same bits.
    for (int threads : new int[] {1, 3}) {
      float[] yAgain = new float[y.length];
      float[] dxAgain = new float[dx.length];
      float[][] dwAgain = new float[2][];
      try (Parallel pool = new Parallel(threads)) {
        pool.towers(1, tower -> {
          Conv2d again = new Conv2d(s, w, b, true, new Scratch(threads), slices);
          again.bind(x, yAgain, mask);
          again.forward(batch, true);
          plain.bind(x, new float[mask.length], null);
          plain.bindGradients(dy, dxAgain);
          plain.backward(batch, false);
          dwAgain[0] = w.grad.clone();
          plain.bindGradients(dy, null);
          plain.backward(batch, false);
          dwAgain[1] = w.grad.clone();
        });
      }
      assertArrayEquals(y, yAgain, threads + " threads: y");
      assertArrayEquals(dx, dxAgain, threads + " threads: dx");
      assertArrayEquals(dw, dwAgain[0], threads + " threads: dW");
      assertArrayEquals(dwFirstLayer, dwAgain[1], threads + " threads: dW without an input gradient");
    }
  }

  /**
   * The output tiles of 3×3 filters: the fewest multiplications per input channel and filter, F(5×5, 3×3) only where
   * a block's V and M fit ({@link WinogradConvolution#fiveByFiveFits}), ties to the smaller tile.
   */
  @Test
  void threeByThreeFiltersTakeTheTileWithTheFewestMultiplicationsThatFits() {
    // 13×13: 2×2 tiles 784, 4×4 576, 5×5 441.
    assertEquals(5, WinogradConvolution.outputTile(sameSize(64, 13, 128)), "13×13, 64 into 128");
    assertEquals(4, WinogradConvolution.outputTile(sameSize(256, 13, 384)), "13×13, 256 into 384 (AlexNet2012's conv3)");
    // 6×6: 144 in 2×2 tiles and in 4×4, 100 in 3×3, 196 in 5×5.
    assertEquals(3, WinogradConvolution.outputTile(sameSize(64, 6, 128)), "6×6");
    // 7×7: 3×3 tiles 225, 4×4 144, 5×5 196.
    assertEquals(4, WinogradConvolution.outputTile(sameSize(64, 7, 128)), "7×7");
    // 3×10: 3×3 tiles 100, only 7% fewer than 4×4 tiles' 108 (WinogradConvolution.outputTile says why that is not
    // enough).
    assertEquals(4, WinogradConvolution.outputTile(new ConvShape(256, 3, 10, 192, 3, 10, 3, 1, 1, 256)), "3×10");
    // 2×2: one tile, 16 multiplications in 2×2, 25 in 3×3.
    assertEquals(2, WinogradConvolution.outputTile(sameSize(64, 2, 128)), "2×2");
  }

  /**
   * The weight gradient's V, blocks of rows of tiles, lies at the stride the GEMM reads with one index where the
   * kernel has one (the 8×32 kernel's 128): a block of another size would still be right, its weight gradient a
   * fifth slower.
   */
  @Test
  void theWeightGradientsRowsLieAtTheKernelsFastStride() {
    int stride = Sgemm.fastRowStride();
    assertTrue(stride == 0 || stride == WinogradWeightGradient.blockColumns(),
        "rows of " + WinogradWeightGradient.blockColumns() + " tiles against the kernel's stride " + stride);
  }

  /** A 3×3 stride-1 convolution that keeps its planes' size. */
  private static ConvShape sameSize(int inChannels, int side, int outChannels) {
    return new ConvShape(inChannels, side, side, outChannels, side, side, 3, 1, 1, inChannels);
  }
}
