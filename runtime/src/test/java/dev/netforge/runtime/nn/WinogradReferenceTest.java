package dev.netforge.runtime.nn;

import dev.netforge.runtime.Reference;
import dev.netforge.runtime.io.SafeTensors;
import org.junit.jupiter.api.Test;

/**
 * Winograd's forward pass, input gradient and weight gradient called directly (the case's 3 inputs and 8 filters are
 * below {@link WinogradConvolution#applies}' threshold, so {@link Conv2d} would not take them) on PyTorch's 3×3 case
 * of ../shared/reference, held to the references' bound: 8 filters and 2 × 49 tiles, so every GEMM works on partial
 * panels, and 13×13 planes, so the right and bottom tiles are partial too.
 */
class WinogradReferenceTest {
  @Test
  void matchesPyTorch() throws Exception {
    SafeTensors ref = Reference.load("conv_basic");
    int[] xs = ref.get("x").shape();
    int[] ws = ref.get("weight").shape();
    int[] ys = ref.get("output").shape();
    int padding = Integer.parseInt(ref.metadata().get("padding"));
    int batch = xs[0];
    int filters = ws[0];
    int inputs = ws[1];
    ConvShape s = new ConvShape(xs[1], xs[2], xs[3], ys[1], ys[2], ys[3], 3, 1, padding, inputs);
    float[] x = ref.get("x").floats();
    float[] weight = ref.get("weight").floats();
    float[] gradOutput = ref.get("grad_output").floats();

    float[] filtersPacked = new float[WinogradConvolution.filtersSize(s, filters, inputs)];
    WinogradConvolution.transformFilters(s, weight, s.patch(), 0, filters, inputs, false, filtersPacked);
    float[] y = new float[batch * filters * s.outPlane()];
    WinogradConvolution.convolve(s, x, null, 0, batch * WinogradConvolution.tiles(s), 0, filtersPacked, filters, y, filters, 0, ref.get("bias").floats(), false, null, false,
        new float[WinogradConvolution.planesSize(s)], new float[WinogradConvolution.transformedInputSize(s)],
        new float[WinogradConvolution.productsSize(s, filters)]);
    Reference.assertClose("output", y, ref.get("output").floats());

    ConvShape t = FlippedConvolution.shape(s, filters);
    float[] flippedPacked = new float[WinogradConvolution.filtersSize(s, inputs, filters)];
    WinogradConvolution.transformFilters(s, weight, s.patch(), 0, inputs, filters, true, flippedPacked);
    float[] dx = new float[x.length];
    WinogradConvolution.convolve(t, gradOutput, null, 0, batch * WinogradConvolution.tiles(t), 0, flippedPacked, inputs, dx, inputs, 0, null, false, null, false,
        new float[WinogradConvolution.planesSize(t)], new float[WinogradConvolution.transformedInputSize(t)],
        new float[WinogradConvolution.productsSize(t, inputs)]);
    Reference.assertClose("grad_x", dx, ref.get("grad_x").floats());

    float[] dw = new float[weight.length];
    WinogradWeightGradient.leafGradient(s, x, null, gradOutput, 0, batch, 0, 0, filters, new float[WinogradWeightGradient.planesSize(s)],
        new float[WinogradWeightGradient.transformedInputSize(s)], new float[WinogradWeightGradient.transformedGradientSize(s, filters)],
        new float[WinogradWeightGradient.sumsSize(s, filters)], dw, 0, null);
    Reference.assertClose("grad_weight", dw, ref.get("grad_weight").floats());
  }
}
