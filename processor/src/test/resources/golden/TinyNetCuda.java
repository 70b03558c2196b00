package test;

import dev.netforge.runtime.cuda.CudaNetwork;
import dev.netforge.runtime.cuda.Device;
import java.util.List;
import javax.annotation.processing.Generated;

/**
 * The CUDA launcher of {@link TinyNet}: its kernels ({@code TinyNet.cu}, 53 of them) run on 2 towers, tower t on device t mod (device count).
 *
 * <p>Memory per tower: 103,824 bytes of parameters, their gradients (with the convolutions' partial weight gradients by chunk of the batch) and momentum, plus 29,256 bytes per example (activations, their gradients, masks, LRN denominators, arg-maxes, exchange staging); each buffer below is one slice of one allocation, planned once per batch size.
 *
 * <p>Exchanged between towers per training step: 400 bytes per example (the plan's all-gathers forward and reduces backward, and the all-gather of the output so that each tower computes the softmax gradient).
 *
 * <p>Convolution weight gradients' blocks per tower, the batch split into chunks where one GEMM would leave a GPU's SMs idle (aiming at 264 blocks, twice a 132-SM H100's or H200's, with at most 64 chunks, and at most one chunk per example): conv1: 1 tile × 64 chunks = 64 blocks; conv2: 1 tile × 64 chunks = 64 blocks.
 */
@Generated("dev.netforge.processor.NetforgeProcessor")
public final class TinyNetCuda extends CudaNetwork {
  /**
   * The input batch, on every tower: 144 per example.
   */
  private static final int INPUT = 0;

  /**
   * This tower's part of ∂loss/∂input: 144 per example.
   */
  private static final int INPUT_GRAD = 1;

  /**
   * {@code conv1.weight} [8, 1, 3, 3]: 72 elements.
   */
  private static final int CONV1_WEIGHT = 2;

  /**
   * ∂loss/∂conv1.weight: 72 elements.
   */
  private static final int CONV1_WEIGHT_GRAD = 3;

  /**
   * Momentum of conv1.weight: 72 elements.
   */
  private static final int CONV1_WEIGHT_VELOCITY = 4;

  /**
   * {@code conv1.bias} [8]: 8 elements.
   */
  private static final int CONV1_BIAS = 5;

  /**
   * ∂loss/∂conv1.bias: 8 elements.
   */
  private static final int CONV1_BIAS_GRAD = 6;

  /**
   * Momentum of conv1.bias: 8 elements.
   */
  private static final int CONV1_BIAS_VELOCITY = 7;

  /**
   * {@code conv2.weight} [8, 4, 3, 3]: 288 elements.
   */
  private static final int CONV2_WEIGHT = 8;

  /**
   * ∂loss/∂conv2.weight: 288 elements.
   */
  private static final int CONV2_WEIGHT_GRAD = 9;

  /**
   * Momentum of conv2.weight: 288 elements.
   */
  private static final int CONV2_WEIGHT_VELOCITY = 10;

  /**
   * {@code conv2.bias} [8]: 8 elements.
   */
  private static final int CONV2_BIAS = 11;

  /**
   * ∂loss/∂conv2.bias: 8 elements.
   */
  private static final int CONV2_BIAS_GRAD = 12;

  /**
   * Momentum of conv2.bias: 8 elements.
   */
  private static final int CONV2_BIAS_VELOCITY = 13;

  /**
   * {@code classifier.0.weight} [16, 32]: 512 elements.
   */
  private static final int CLASSIFIER_0_WEIGHT = 14;

  /**
   * ∂loss/∂classifier.0.weight: 512 elements.
   */
  private static final int CLASSIFIER_0_WEIGHT_GRAD = 15;

  /**
   * Momentum of classifier.0.weight: 512 elements.
   */
  private static final int CLASSIFIER_0_WEIGHT_VELOCITY = 16;

  /**
   * {@code classifier.0.bias} [16]: 16 elements.
   */
  private static final int CLASSIFIER_0_BIAS = 17;

  /**
   * ∂loss/∂classifier.0.bias: 16 elements.
   */
  private static final int CLASSIFIER_0_BIAS_GRAD = 18;

  /**
   * Momentum of classifier.0.bias: 16 elements.
   */
  private static final int CLASSIFIER_0_BIAS_VELOCITY = 19;

  /**
   * {@code fc4.weight} [4, 16]: 64 elements.
   */
  private static final int FC4_WEIGHT = 20;

  /**
   * ∂loss/∂fc4.weight: 64 elements.
   */
  private static final int FC4_WEIGHT_GRAD = 21;

  /**
   * Momentum of fc4.weight: 64 elements.
   */
  private static final int FC4_WEIGHT_VELOCITY = 22;

  /**
   * {@code fc4.bias} [4]: 4 elements.
   */
  private static final int FC4_BIAS = 23;

  /**
   * ∂loss/∂fc4.bias: 4 elements.
   */
  private static final int FC4_BIAS_GRAD = 24;

  /**
   * Momentum of fc4.bias: 4 elements.
   */
  private static final int FC4_BIAS_VELOCITY = 25;

  /**
   * Output of conv1, [8, 12, 12]: 1,152 per example.
   */
  private static final int CONV1 = 26;

  /**
   * ∂loss/∂conv1: 1,152 per example.
   */
  private static final int CONV1_GRAD = 27;

  /**
   * Output of conv1Lrn, [8, 12, 12]: 1,152 per example.
   */
  private static final int CONV1_LRN = 28;

  /**
   * ∂loss/∂conv1Lrn: 1,152 per example.
   */
  private static final int CONV1_LRN_GRAD = 29;

  /**
   * LRN denominators of conv1Lrn: 1,152 per example.
   */
  private static final int CONV1_LRN_SCALE = 30;

  /**
   * Output of conv1Pool, [8, 5, 5]: 200 per example.
   */
  private static final int CONV1_POOL = 31;

  /**
   * ∂loss/∂conv1Pool: 200 per example.
   */
  private static final int CONV1_POOL_GRAD = 32;

  /**
   * Arg-max of conv1Pool in its input plane (int32): 200 per example.
   */
  private static final int CONV1_POOL_ARGMAX = 33;

  /**
   * Output of conv2, [8, 5, 5]: 200 per example.
   */
  private static final int CONV2 = 34;

  /**
   * ∂loss/∂conv2: 200 per example.
   */
  private static final int CONV2_GRAD = 35;

  /**
   * Output of conv2Pool, [8, 2, 2]: 32 per example.
   */
  private static final int CONV2_POOL = 36;

  /**
   * ∂loss/∂conv2Pool: 32 per example.
   */
  private static final int CONV2_POOL_GRAD = 37;

  /**
   * Arg-max of conv2Pool in its input plane (int32): 32 per example.
   */
  private static final int CONV2_POOL_ARGMAX = 38;

  /**
   * Output of conv2Dropout, [8, 2, 2]: 32 per example.
   */
  private static final int CONV2_DROPOUT = 39;

  /**
   * ∂loss/∂conv2Dropout: 32 per example.
   */
  private static final int CONV2_DROPOUT_GRAD = 40;

  /**
   * Dropout multipliers of conv2Dropout: 32 per example.
   */
  private static final int CONV2_DROPOUT_MASK = 41;

  /**
   * Output of fc3, [16]: 16 per example.
   */
  private static final int FC3 = 42;

  /**
   * ∂loss/∂fc3: 16 per example.
   */
  private static final int FC3_GRAD = 43;

  /**
   * Dropout multipliers of fc3: 16 per example.
   */
  private static final int FC3_MASK = 44;

  /**
   * Output of fc4, [4]: 4 per example.
   */
  private static final int FC4 = 45;

  /**
   * ∂loss/∂fc4: 4 per example.
   */
  private static final int FC4_GRAD = 46;

  /**
   * Received copies of a gradient whose towers' copies are summed: 16 per example.
   */
  private static final int STAGING = 47;

  /**
   * Labels of the batch (int32): 1 per example.
   */
  private static final int LABELS = 48;

  /**
   * Per-example losses: 1 per example.
   */
  private static final int LOSSES = 49;

  /**
   * The weight gradient of conv1 by chunk of the batch, 64 × [8, 1, 3, 3]: 4,608 elements.
   */
  private static final int CONV1_WEIGHT_PARTIAL = 50;

  /**
   * The weight gradient of conv2 by chunk of the batch, 64 × [8, 4, 3, 3]: 18,432 elements.
   */
  private static final int CONV2_WEIGHT_PARTIAL = 51;

  private static final CudaNetwork.Layout LAYOUT = new CudaNetwork.Layout(
      List.of(
          new CudaNetwork.Buffer("input", 0L, 144L, false),
          new CudaNetwork.Buffer("input_grad", 0L, 144L, true),
          new CudaNetwork.Buffer("conv1_weight", 72L, 0L, false),
          new CudaNetwork.Buffer("conv1_weight_grad", 72L, 0L, true),
          new CudaNetwork.Buffer("conv1_weight_velocity", 72L, 0L, false),
          new CudaNetwork.Buffer("conv1_bias", 8L, 0L, false),
          new CudaNetwork.Buffer("conv1_bias_grad", 8L, 0L, true),
          new CudaNetwork.Buffer("conv1_bias_velocity", 8L, 0L, false),
          new CudaNetwork.Buffer("conv2_weight", 288L, 0L, false),
          new CudaNetwork.Buffer("conv2_weight_grad", 288L, 0L, true),
          new CudaNetwork.Buffer("conv2_weight_velocity", 288L, 0L, false),
          new CudaNetwork.Buffer("conv2_bias", 8L, 0L, false),
          new CudaNetwork.Buffer("conv2_bias_grad", 8L, 0L, true),
          new CudaNetwork.Buffer("conv2_bias_velocity", 8L, 0L, false),
          new CudaNetwork.Buffer("classifier_0_weight", 512L, 0L, false),
          new CudaNetwork.Buffer("classifier_0_weight_grad", 512L, 0L, true),
          new CudaNetwork.Buffer("classifier_0_weight_velocity", 512L, 0L, false),
          new CudaNetwork.Buffer("classifier_0_bias", 16L, 0L, false),
          new CudaNetwork.Buffer("classifier_0_bias_grad", 16L, 0L, true),
          new CudaNetwork.Buffer("classifier_0_bias_velocity", 16L, 0L, false),
          new CudaNetwork.Buffer("fc4_weight", 64L, 0L, false),
          new CudaNetwork.Buffer("fc4_weight_grad", 64L, 0L, true),
          new CudaNetwork.Buffer("fc4_weight_velocity", 64L, 0L, false),
          new CudaNetwork.Buffer("fc4_bias", 4L, 0L, false),
          new CudaNetwork.Buffer("fc4_bias_grad", 4L, 0L, true),
          new CudaNetwork.Buffer("fc4_bias_velocity", 4L, 0L, false),
          new CudaNetwork.Buffer("conv1", 0L, 1152L, false),
          new CudaNetwork.Buffer("conv1_grad", 0L, 1152L, false),
          new CudaNetwork.Buffer("conv1_lrn", 0L, 1152L, false),
          new CudaNetwork.Buffer("conv1_lrn_grad", 0L, 1152L, false),
          new CudaNetwork.Buffer("conv1_lrn_scale", 0L, 1152L, false),
          new CudaNetwork.Buffer("conv1_pool", 0L, 200L, false),
          new CudaNetwork.Buffer("conv1_pool_grad", 0L, 200L, false),
          new CudaNetwork.Buffer("conv1_pool_argmax", 0L, 200L, false),
          new CudaNetwork.Buffer("conv2", 0L, 200L, false),
          new CudaNetwork.Buffer("conv2_grad", 0L, 200L, false),
          new CudaNetwork.Buffer("conv2_pool", 0L, 32L, false),
          new CudaNetwork.Buffer("conv2_pool_grad", 0L, 32L, false),
          new CudaNetwork.Buffer("conv2_pool_argmax", 0L, 32L, false),
          new CudaNetwork.Buffer("conv2_dropout", 0L, 32L, false),
          new CudaNetwork.Buffer("conv2_dropout_grad", 0L, 32L, false),
          new CudaNetwork.Buffer("conv2_dropout_mask", 0L, 32L, false),
          new CudaNetwork.Buffer("fc3", 0L, 16L, false),
          new CudaNetwork.Buffer("fc3_grad", 0L, 16L, false),
          new CudaNetwork.Buffer("fc3_mask", 0L, 16L, false),
          new CudaNetwork.Buffer("fc4", 0L, 4L, false),
          new CudaNetwork.Buffer("fc4_grad", 0L, 4L, false),
          new CudaNetwork.Buffer("staging", 0L, 16L, false),
          new CudaNetwork.Buffer("labels", 0L, 1L, false),
          new CudaNetwork.Buffer("losses", 0L, 1L, false),
          new CudaNetwork.Buffer("conv1_weight_partial", 4608L, 0L, false),
          new CudaNetwork.Buffer("conv2_weight_partial", 18432L, 0L, false))
      ,
      List.of(
          new CudaNetwork.ParameterSlices("conv1.weight", CONV1_WEIGHT, CONV1_WEIGHT_GRAD, CONV1_WEIGHT_VELOCITY, new long[] {0L, 36L}, new long[] {36L, 36L}),
          new CudaNetwork.ParameterSlices("conv1.bias", CONV1_BIAS, CONV1_BIAS_GRAD, CONV1_BIAS_VELOCITY, new long[] {0L, 4L}, new long[] {4L, 4L}),
          new CudaNetwork.ParameterSlices("conv2.weight", CONV2_WEIGHT, CONV2_WEIGHT_GRAD, CONV2_WEIGHT_VELOCITY, new long[] {0L, 144L}, new long[] {144L, 144L}),
          new CudaNetwork.ParameterSlices("conv2.bias", CONV2_BIAS, CONV2_BIAS_GRAD, CONV2_BIAS_VELOCITY, new long[] {0L, 4L}, new long[] {4L, 4L}),
          new CudaNetwork.ParameterSlices("classifier.0.weight", CLASSIFIER_0_WEIGHT, CLASSIFIER_0_WEIGHT_GRAD, CLASSIFIER_0_WEIGHT_VELOCITY, new long[] {0L, 256L}, new long[] {256L, 256L}),
          new CudaNetwork.ParameterSlices("classifier.0.bias", CLASSIFIER_0_BIAS, CLASSIFIER_0_BIAS_GRAD, CLASSIFIER_0_BIAS_VELOCITY, new long[] {0L, 8L}, new long[] {8L, 8L}),
          new CudaNetwork.ParameterSlices("fc4.weight", FC4_WEIGHT, FC4_WEIGHT_GRAD, FC4_WEIGHT_VELOCITY, new long[] {0L, 32L}, new long[] {32L, 32L}),
          new CudaNetwork.ParameterSlices("fc4.bias", FC4_BIAS, FC4_BIAS_GRAD, FC4_BIAS_VELOCITY, new long[] {0L, 2L}, new long[] {2L, 2L}))
      ,
      INPUT, INPUT_GRAD, FC4, FC4_GRAD, LABELS, LOSSES);

  /**
   * Places the towers of {@code host} on {@code devices} and loads the kernels on each device.
   */
  public TinyNetCuda(TinyNet host, List<Device> devices) {
    super(host, devices, LAYOUT);
  }

  /**
   * The forward pass; dropout masks are drawn on the host when training.
   */
  @Override
  protected void forwardPass(int batch, boolean training) {
    // conv1, tower 0: filters 0–3
    launch(0, "conv1_forward_t0", 3, 1, batch, at(0, INPUT), at(0, CONV1_WEIGHT), at(0, CONV1_BIAS),
        0L, at(0, CONV1));
    // conv1, tower 1: filters 4–7
    launch(1, "conv1_forward_t1", 3, 1, batch, at(1, INPUT), at(1, CONV1_WEIGHT), at(1, CONV1_BIAS),
        0L, at(1, CONV1));
    // conv1Lrn, tower 0
    launch(0, "conv1Lrn_forward_t0", blocks(batch, 576), 1, 1, at(0, CONV1), at(0, CONV1_LRN),
        at(0, CONV1_LRN_SCALE), batch);
    // conv1Lrn, tower 1
    launch(1, "conv1Lrn_forward_t1", blocks(batch, 576), 1, 1, at(1, CONV1), at(1, CONV1_LRN),
        at(1, CONV1_LRN_SCALE), batch);
    // conv1Pool, tower 0
    launch(0, "conv1Pool_forward_t0", blocks(batch, 100), 1, 1, at(0, CONV1_LRN), at(0, CONV1_POOL),
        at(0, CONV1_POOL_ARGMAX), batch);
    // conv1Pool, tower 1
    launch(1, "conv1Pool_forward_t1", blocks(batch, 100), 1, 1, at(1, CONV1_LRN), at(1, CONV1_POOL),
        at(1, CONV1_POOL_ARGMAX), batch);
    // conv2, tower 0: filters 0–3
    launch(0, "conv2_forward_t0", 1, 1, batch, at(0, CONV1_POOL), at(0, CONV2_WEIGHT),
        at(0, CONV2_BIAS), 0L, at(0, CONV2));
    // conv2, tower 1: filters 4–7
    launch(1, "conv2_forward_t1", 1, 1, batch, at(1, CONV1_POOL), at(1, CONV2_WEIGHT),
        at(1, CONV2_BIAS), 0L, at(1, CONV2));
    // conv2Pool, tower 0
    launch(0, "conv2Pool_forward_t0", blocks(batch, 16), 1, 1, at(0, CONV2), at(0, CONV2_POOL),
        at(0, CONV2_POOL_ARGMAX), batch);
    // conv2Pool, tower 1
    launch(1, "conv2Pool_forward_t1", blocks(batch, 16), 1, 1, at(1, CONV2), at(1, CONV2_POOL),
        at(1, CONV2_POOL_ARGMAX), batch);
    if (training) {
      drawMask(CONV2_DROPOUT_MASK, 5, 32L, 0.25);
    }
    // conv2Dropout, tower 0
    launch(0, "conv2Dropout_forward_t0", blocks(batch, 16), 1, 1, at(0, CONV2_POOL),
        training ? at(0, CONV2_DROPOUT_MASK) : 0L, at(0, CONV2_DROPOUT), batch);
    // conv2Dropout, tower 1
    launch(1, "conv2Dropout_forward_t1", blocks(batch, 16), 1, 1, at(1, CONV2_POOL),
        training ? at(1, CONV2_DROPOUT_MASK) : 0L, at(1, CONV2_DROPOUT), batch);
    // exchange: all-gather, fc3 reads every tower's channels
    gather(CONV2_DROPOUT, 32L);
    if (training) {
      drawMask(FC3_MASK, 6, 16L, 0.5);
    }
    // fc3, tower 0: units 0–7
    launch(0, "fc3_forward_t0", (batch + 63) / 64, 1, 1, at(0, CONV2_DROPOUT),
        at(0, CLASSIFIER_0_WEIGHT), at(0, CLASSIFIER_0_BIAS), training ? at(0, FC3_MASK) : 0L,
        at(0, FC3), batch);
    // fc3, tower 1: units 8–15
    launch(1, "fc3_forward_t1", (batch + 63) / 64, 1, 1, at(1, CONV2_DROPOUT),
        at(1, CLASSIFIER_0_WEIGHT), at(1, CLASSIFIER_0_BIAS), training ? at(1, FC3_MASK) : 0L,
        at(1, FC3), batch);
    // exchange: all-gather, fc4 reads every tower's channels
    gather(FC3, 16L);
    // fc4, tower 0: units 0–1
    launch(0, "fc4_forward_t0", (batch + 63) / 64, 1, 1, at(0, FC3), at(0, FC4_WEIGHT),
        at(0, FC4_BIAS), 0L, at(0, FC4), batch);
    // fc4, tower 1: units 2–3
    launch(1, "fc4_forward_t1", (batch + 63) / 64, 1, 1, at(1, FC3), at(1, FC4_WEIGHT),
        at(1, FC4_BIAS), 0L, at(1, FC4), batch);
    // exchange: all-gather, every tower needs all of the output for the softmax gradient
    gather(FC4, 4L);
  }

  /**
   * The backward pass from ∂loss/∂output, last stage first.
   */
  @Override
  protected void backwardPass(int batch, boolean training) {
    // fc4 ∂bias, tower 0: units 0–1
    launch(0, "fc4_bias_backward_t0", 2, 1, 1, at(0, FC4), 0L, at(0, FC4_GRAD),
        at(0, FC4_BIAS_GRAD), batch);
    // fc4 ∂weight
    launch(0, "fc4_weight_backward_t0", 1, 1, 1, at(0, FC3), at(0, FC4_GRAD),
        at(0, FC4_WEIGHT_GRAD), batch);
    // fc4 ∂input
    launch(0, "fc4_data_backward_t0", (batch + 63) / 64, 1, 1, at(0, FC4_WEIGHT), at(0, FC4_GRAD),
        at(0, FC3_GRAD), batch);
    // fc4 ∂bias, tower 1: units 2–3
    launch(1, "fc4_bias_backward_t1", 2, 1, 1, at(1, FC4), 0L, at(1, FC4_GRAD),
        at(1, FC4_BIAS_GRAD), batch);
    // fc4 ∂weight
    launch(1, "fc4_weight_backward_t1", 1, 1, 1, at(1, FC3), at(1, FC4_GRAD),
        at(1, FC4_WEIGHT_GRAD), batch);
    // fc4 ∂input
    launch(1, "fc4_data_backward_t1", (batch + 63) / 64, 1, 1, at(1, FC4_WEIGHT), at(1, FC4_GRAD),
        at(1, FC3_GRAD), batch);
    // exchange: reduce, partial ∂input of fc4 summed on the tower that owns each slice
    reduce(FC3_GRAD, 16L, STAGING);
    // fc3 ∂bias, tower 0: units 0–7
    launch(0, "fc3_bias_backward_t0", 8, 1, 1, at(0, FC3), training ? at(0, FC3_MASK) : 0L,
        at(0, FC3_GRAD), at(0, CLASSIFIER_0_BIAS_GRAD), batch);
    // fc3 ∂weight
    launch(0, "fc3_weight_backward_t0", 1, 1, 1, at(0, CONV2_DROPOUT), at(0, FC3_GRAD),
        at(0, CLASSIFIER_0_WEIGHT_GRAD), batch);
    // fc3 ∂input
    launch(0, "fc3_data_backward_t0", (batch + 63) / 64, 1, 1, at(0, CLASSIFIER_0_WEIGHT),
        at(0, FC3_GRAD), at(0, CONV2_DROPOUT_GRAD), batch);
    // fc3 ∂bias, tower 1: units 8–15
    launch(1, "fc3_bias_backward_t1", 8, 1, 1, at(1, FC3), training ? at(1, FC3_MASK) : 0L,
        at(1, FC3_GRAD), at(1, CLASSIFIER_0_BIAS_GRAD), batch);
    // fc3 ∂weight
    launch(1, "fc3_weight_backward_t1", 1, 1, 1, at(1, CONV2_DROPOUT), at(1, FC3_GRAD),
        at(1, CLASSIFIER_0_WEIGHT_GRAD), batch);
    // fc3 ∂input
    launch(1, "fc3_data_backward_t1", (batch + 63) / 64, 1, 1, at(1, CLASSIFIER_0_WEIGHT),
        at(1, FC3_GRAD), at(1, CONV2_DROPOUT_GRAD), batch);
    // exchange: reduce, partial ∂input of fc3 summed on the tower that owns each slice
    reduce(CONV2_DROPOUT_GRAD, 32L, STAGING);
    // conv2Dropout, tower 0
    launch(0, "conv2Dropout_backward_t0", blocks(batch, 16), 1, 1,
        training ? at(0, CONV2_DROPOUT_MASK) : 0L, at(0, CONV2_DROPOUT_GRAD),
        at(0, CONV2_POOL_GRAD), batch);
    // conv2Dropout, tower 1
    launch(1, "conv2Dropout_backward_t1", blocks(batch, 16), 1, 1,
        training ? at(1, CONV2_DROPOUT_MASK) : 0L, at(1, CONV2_DROPOUT_GRAD),
        at(1, CONV2_POOL_GRAD), batch);
    // conv2Pool, tower 0
    launch(0, "conv2Pool_backward_t0", blocks(batch, 100), 1, 1, at(0, CONV2_POOL_GRAD),
        at(0, CONV2_POOL_ARGMAX), at(0, CONV2_GRAD), batch);
    // conv2Pool, tower 1
    launch(1, "conv2Pool_backward_t1", blocks(batch, 100), 1, 1, at(1, CONV2_POOL_GRAD),
        at(1, CONV2_POOL_ARGMAX), at(1, CONV2_GRAD), batch);
    // conv2 ∂bias, tower 0: filters 0–3
    launch(0, "conv2_bias_backward_t0", 4, 1, 1, at(0, CONV2), 0L, at(0, CONV2_GRAD),
        at(0, CONV2_BIAS_GRAD), batch);
    // conv2 ∂weight; the batch in up to 64 chunks, 1 blocks each (64 at a batch of 64 or more), added in chunk order
    launch(0, "conv2_weight_backward_t0", 1, 1, Math.min(batch, 64), at(0, CONV1_POOL),
        at(0, CONV2_GRAD), at(0, CONV2_WEIGHT_PARTIAL), batch);
    // conv2 ∂weight, the chunks added
    launch(0, "conv2_weight_sum_t0", 1, 1, 1, at(0, CONV2_WEIGHT_PARTIAL), at(0, CONV2_WEIGHT_GRAD),
        Math.min(batch, 64));
    // conv2 ∂input
    launch(0, "conv2_data_backward_t0", 1, 1, batch, at(0, CONV2_WEIGHT), at(0, CONV2_GRAD),
        at(0, CONV1_POOL_GRAD));
    // conv2 ∂bias, tower 1: filters 4–7
    launch(1, "conv2_bias_backward_t1", 4, 1, 1, at(1, CONV2), 0L, at(1, CONV2_GRAD),
        at(1, CONV2_BIAS_GRAD), batch);
    // conv2 ∂weight; the batch in up to 64 chunks, 1 blocks each (64 at a batch of 64 or more), added in chunk order
    launch(1, "conv2_weight_backward_t1", 1, 1, Math.min(batch, 64), at(1, CONV1_POOL),
        at(1, CONV2_GRAD), at(1, CONV2_WEIGHT_PARTIAL), batch);
    // conv2 ∂weight, the chunks added
    launch(1, "conv2_weight_sum_t1", 1, 1, 1, at(1, CONV2_WEIGHT_PARTIAL), at(1, CONV2_WEIGHT_GRAD),
        Math.min(batch, 64));
    // conv2 ∂input
    launch(1, "conv2_data_backward_t1", 1, 1, batch, at(1, CONV2_WEIGHT), at(1, CONV2_GRAD),
        at(1, CONV1_POOL_GRAD));
    // conv1Pool, tower 0
    launch(0, "conv1Pool_backward_t0", blocks(batch, 576), 1, 1, at(0, CONV1_POOL_GRAD),
        at(0, CONV1_POOL_ARGMAX), at(0, CONV1_LRN_GRAD), batch);
    // conv1Pool, tower 1
    launch(1, "conv1Pool_backward_t1", blocks(batch, 576), 1, 1, at(1, CONV1_POOL_GRAD),
        at(1, CONV1_POOL_ARGMAX), at(1, CONV1_LRN_GRAD), batch);
    // conv1Lrn, tower 0
    launch(0, "conv1Lrn_backward_t0", blocks(batch, 576), 1, 1, at(0, CONV1), at(0, CONV1_LRN),
        at(0, CONV1_LRN_SCALE), at(0, CONV1_LRN_GRAD), at(0, CONV1_GRAD), batch);
    // conv1Lrn, tower 1
    launch(1, "conv1Lrn_backward_t1", blocks(batch, 576), 1, 1, at(1, CONV1), at(1, CONV1_LRN),
        at(1, CONV1_LRN_SCALE), at(1, CONV1_LRN_GRAD), at(1, CONV1_GRAD), batch);
    // conv1 ∂bias, tower 0: filters 0–3
    launch(0, "conv1_bias_backward_t0", 4, 1, 1, at(0, CONV1), 0L, at(0, CONV1_GRAD),
        at(0, CONV1_BIAS_GRAD), batch);
    // conv1 ∂weight; the batch in up to 64 chunks, 1 blocks each (64 at a batch of 64 or more), added in chunk order
    launch(0, "conv1_weight_backward_t0", 1, 1, Math.min(batch, 64), at(0, INPUT),
        at(0, CONV1_GRAD), at(0, CONV1_WEIGHT_PARTIAL), batch);
    // conv1 ∂weight, the chunks added
    launch(0, "conv1_weight_sum_t0", 1, 1, 1, at(0, CONV1_WEIGHT_PARTIAL), at(0, CONV1_WEIGHT_GRAD),
        Math.min(batch, 64));
    // conv1 ∂bias, tower 1: filters 4–7
    launch(1, "conv1_bias_backward_t1", 4, 1, 1, at(1, CONV1), 0L, at(1, CONV1_GRAD),
        at(1, CONV1_BIAS_GRAD), batch);
    // conv1 ∂weight; the batch in up to 64 chunks, 1 blocks each (64 at a batch of 64 or more), added in chunk order
    launch(1, "conv1_weight_backward_t1", 1, 1, Math.min(batch, 64), at(1, INPUT),
        at(1, CONV1_GRAD), at(1, CONV1_WEIGHT_PARTIAL), batch);
    // conv1 ∂weight, the chunks added
    launch(1, "conv1_weight_sum_t1", 1, 1, 1, at(1, CONV1_WEIGHT_PARTIAL), at(1, CONV1_WEIGHT_GRAD),
        Math.min(batch, 64));
  }

  /**
   * ∂loss/∂input, each tower's partial sum: the first parametric layer's input gradient and the stages before it.
   */
  @Override
  protected void inputGradientPass(int batch, boolean training) {
    // conv1 ∂input
    launch(0, "conv1_data_backward_t0", 3, 1, batch, at(0, CONV1_WEIGHT), at(0, CONV1_GRAD),
        at(0, INPUT_GRAD));
    // conv1 ∂input
    launch(1, "conv1_data_backward_t1", 3, 1, batch, at(1, CONV1_WEIGHT), at(1, CONV1_GRAD),
        at(1, INPUT_GRAD));
    // exchange: reduce, the towers' partial ∂loss/∂input, which conv1's towers all wrote, are summed on the host as it reads them
  }

  /**
   * Each tower updates the part of every parameter it computes.
   */
  @Override
  protected void updatePass(float momentum, float decay, float rate) {
    update(0, CONV1_WEIGHT, CONV1_WEIGHT_GRAD, CONV1_WEIGHT_VELOCITY, 0L, 36L, momentum, decay, rate);
    update(0, CONV1_BIAS, CONV1_BIAS_GRAD, CONV1_BIAS_VELOCITY, 0L, 4L, momentum, decay, rate);
    update(1, CONV1_WEIGHT, CONV1_WEIGHT_GRAD, CONV1_WEIGHT_VELOCITY, 36L, 36L, momentum, decay, rate);
    update(1, CONV1_BIAS, CONV1_BIAS_GRAD, CONV1_BIAS_VELOCITY, 4L, 4L, momentum, decay, rate);
    update(0, CONV2_WEIGHT, CONV2_WEIGHT_GRAD, CONV2_WEIGHT_VELOCITY, 0L, 144L, momentum, decay, rate);
    update(0, CONV2_BIAS, CONV2_BIAS_GRAD, CONV2_BIAS_VELOCITY, 0L, 4L, momentum, decay, rate);
    update(1, CONV2_WEIGHT, CONV2_WEIGHT_GRAD, CONV2_WEIGHT_VELOCITY, 144L, 144L, momentum, decay, rate);
    update(1, CONV2_BIAS, CONV2_BIAS_GRAD, CONV2_BIAS_VELOCITY, 4L, 4L, momentum, decay, rate);
    update(0, CLASSIFIER_0_WEIGHT, CLASSIFIER_0_WEIGHT_GRAD, CLASSIFIER_0_WEIGHT_VELOCITY, 0L, 256L, momentum, decay, rate);
    update(0, CLASSIFIER_0_BIAS, CLASSIFIER_0_BIAS_GRAD, CLASSIFIER_0_BIAS_VELOCITY, 0L, 8L, momentum, decay, rate);
    update(1, CLASSIFIER_0_WEIGHT, CLASSIFIER_0_WEIGHT_GRAD, CLASSIFIER_0_WEIGHT_VELOCITY, 256L, 256L, momentum, decay, rate);
    update(1, CLASSIFIER_0_BIAS, CLASSIFIER_0_BIAS_GRAD, CLASSIFIER_0_BIAS_VELOCITY, 8L, 8L, momentum, decay, rate);
    update(0, FC4_WEIGHT, FC4_WEIGHT_GRAD, FC4_WEIGHT_VELOCITY, 0L, 32L, momentum, decay, rate);
    update(0, FC4_BIAS, FC4_BIAS_GRAD, FC4_BIAS_VELOCITY, 0L, 2L, momentum, decay, rate);
    update(1, FC4_WEIGHT, FC4_WEIGHT_GRAD, FC4_WEIGHT_VELOCITY, 32L, 32L, momentum, decay, rate);
    update(1, FC4_BIAS, FC4_BIAS_GRAD, FC4_BIAS_VELOCITY, 2L, 2L, momentum, decay, rate);
  }
}
