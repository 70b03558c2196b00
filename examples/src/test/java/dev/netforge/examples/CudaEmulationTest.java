package dev.netforge.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.netforge.dsl.Conv;
import dev.netforge.dsl.Dense;
import dev.netforge.dsl.Dropout;
import dev.netforge.dsl.Input;
import dev.netforge.dsl.Lrn;
import dev.netforge.dsl.MaxPool;
import dev.netforge.dsl.Network;
import dev.netforge.dsl.Relu;
import dev.netforge.dsl.Softmax;
import dev.netforge.runtime.CompiledNetwork;
import dev.netforge.runtime.Parameter;
import dev.netforge.runtime.Reference;
import dev.netforge.runtime.Rng;
import dev.netforge.runtime.cuda.CudaNetwork;
import dev.netforge.runtime.cuda.Device;
import dev.netforge.runtime.cuda.Devices;
import dev.netforge.runtime.train.Sgd;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The CUDA engine, generated kernels and launcher included, on emulated devices (the same .cu compiled for the host):
 * whole training steps — forward, softmax, backward, exchanges, update — match the CPU engine.
 */
class CudaEmulationTest {
  /** Every stage kind: strided conv without ReLU, LRN, overlapping pool, two groups per tower, stand-alone ReLU and dropout. */
  @Network(name = "CudaProbe", towers = 2)
  @Input(channels = 3, height = 19, width = 19)
  interface CudaProbeSpec {
    @Conv(filters = 8, kernel = 3, stride = 2, bias = 0.1)
    @Lrn(size = 3, alpha = 0.01, beta = 0.75, k = 2)
    @MaxPool(kernel = 3, stride = 2)
    @Relu
    void conv1();

    @Conv(filters = 12, kernel = 3, padding = 1, groups = 4)
    @Relu
    void conv2();

    @Conv(filters = 8, kernel = 3, padding = 1)
    @MaxPool(kernel = 2, stride = 2)
    @Dropout(0.25)
    void conv3();

    @Dense(units = 16)
    @Relu
    @Dropout(0.5)
    void fc4();

    @Dense(units = 6)
    @Softmax
    void fc5();
  }

  @Network(name = "OneTowerCudaProbe", towers = 1)
  @Input(channels = 2, height = 9, width = 9)
  interface OneTowerCudaProbeSpec {
    @Conv(filters = 6, kernel = 3, padding = 1)
    @Relu
    @Lrn(size = 5, alpha = 0.001, beta = 0.5, k = 1)
    @MaxPool(kernel = 3, stride = 2)
    void conv1();

    @Dense(units = 5)
    @Softmax
    void fc2();
  }

  /**
   * Stages before a grouped first layer: each tower writes only its group's channels of the layer's ∂input, and the
   * ReLU and pool before it read every channel, so their gradients' unwritten channels must read as zero.
   */
  @Network(name = "GroupedFirstLayerCudaProbe", towers = 2)
  @Input(channels = 4, height = 10, width = 10)
  interface GroupedFirstLayerCudaProbeSpec {
    @Relu
    @MaxPool(kernel = 2, stride = 2)
    @Conv(filters = 4, kernel = 3, padding = 1, groups = 2)
    void conv1();

    @Dense(units = 4)
    @Softmax
    void fc2();
  }

  /**
   * Stages before a first layer whose towers all read the whole of what they make: the towers' copies of that layer's
   * ∂input are summed before the stages' backward (onto tower 0, which alone runs it), as the CPU engine sums them.
   */
  @Network(name = "SharedFirstLayerCudaProbe", towers = 2)
  @Input(channels = 3, height = 11, width = 11)
  interface SharedFirstLayerCudaProbeSpec {
    @Lrn(size = 3, alpha = 0.01, beta = 0.75, k = 2)
    @MaxPool(kernel = 3, stride = 2)
    @Conv(filters = 4, kernel = 3, padding = 1)
    void conv1();

    @Dense(units = 4)
    @Softmax
    void fc2();
  }

  private static final List<Device> devices = new ArrayList<>();

  /** Emulated devices; real GPUs with {@code -Dnetforge.test.device=cuda} ({@code bin/gpu-check} runs it so). */
  @BeforeAll
  static void devices() {
    devices.addAll(Devices.open(System.getProperty("netforge.test.device", "emulated"), 0, 2));
  }

  @AfterAll
  static void release() {
    devices.forEach(Device::close);
  }

  @Test
  void miniAlexNetTrainsLikeTheCpuEngineOnTwoDevices() {
    compareTraining(new MiniAlexNet(), new MiniAlexNet(), devices, 3, 3);
  }

  @Test
  void everyStageKindTrainsLikeTheCpuEngine() {
    compareTraining(new CudaProbe(), new CudaProbe(), devices, 5, 3);
  }

  @Test
  void oneDeviceRunsBothTowers() {
    compareTraining(new CudaProbe(), new CudaProbe(), devices.subList(0, 1), 4, 2);
  }

  @Test
  void oneTowerNetwork() {
    compareTraining(new OneTowerCudaProbe(), new OneTowerCudaProbe(), devices.subList(0, 1), 3, 2);
  }

  @Test
  void inputGradientMatchesTheCpuEngine() {
    compareInputGradient(new CudaProbe(), new CudaProbe(), new int[] {1, 4, 0});
  }

  @Test
  void inputGradientThroughStagesBeforeAGroupedFirstLayer() {
    compareInputGradient(new GroupedFirstLayerCudaProbe(), new GroupedFirstLayerCudaProbe(), new int[] {2, 0, 3});
  }

  @Test
  void inputGradientThroughStagesBeforeASharedFirstLayer() {
    compareInputGradient(new SharedFirstLayerCudaProbe(), new SharedFirstLayerCudaProbe(), new int[] {2, 0, 3});
  }

  @Test
  void stagesBeforeASharedFirstLayerTrainLikeTheCpuEngine() {
    compareTraining(new SharedFirstLayerCudaProbe(), new SharedFirstLayerCudaProbe(), devices, 3, 2);
  }

  /** ∂input of one forward and backward pass, one example per label, on both engines from the same weights. */
  private static void compareInputGradient(CompiledNetwork cpu, CompiledNetwork host, int[] labels) {
    cpu.initialize(11);
    host.initialize(11);
    int batch = labels.length;
    float[] input = random(batch * cpu.inputSize(), 5);
    float[] expected = new float[input.length];
    cpu.forward(input, batch, false);
    cpu.backward(labels, expected);
    try (CudaNetwork cuda = CudaNetwork.of(host, devices)) {
      cuda.pushParameters(name -> null);
      cuda.forward(input, batch, false);
      cuda.backward(labels);
      float[] actual = new float[input.length];
      cuda.inputGradient(actual);
      Reference.assertClose("∂input", actual, expected);
    }
  }

  @Test
  void alexNet2012ForwardAtBatchOne() {
    AlexNet2012 cpu = new AlexNet2012();
    AlexNet2012 host = new AlexNet2012();
    cpu.initialize(3);
    host.initialize(3);
    float[] input = random(cpu.inputSize(), 9);
    float[] expected = cpu.forward(input, 1, false).clone();
    try (CudaNetwork cuda = CudaNetwork.of(host, devices)) {
      cuda.pushParameters(name -> null);
      Reference.assertClose("AlexNet2012 logits", cuda.forward(input, 1, false), expected);
    }
  }

  /**
   * Closing the launcher frees each tower's memory only after every device has run what was queued: after a forward
   * pass the host has waited for tower 0's output, while tower 1's thread may still be copying tower 0's activations.
   */
  @Test
  void closeWaitsForExchangesStillQueued() {
    List<String> faults = WatchedDevice.newFaults();
    CudaProbe host = new CudaProbe();
    host.initialize(2);
    try (CudaNetwork cuda = CudaNetwork.of(host, WatchedDevice.pair(devices, faults))) {
      cuda.pushParameters(name -> null);
      cuda.forward(random(2 * host.inputSize(), 3), 2, false);
    }
    assertEquals(List.of(), faults);
  }

  /** The kernel library's block sizes, which every generated kernel is bounded by, are the ones the devices launch. */
  @Test
  void kernelsAreBuiltForTheBlockSizeTheDevicesLaunch() throws Exception {
    String source;
    try (java.io.InputStream in = MiniAlexNet.class.getResourceAsStream("MiniAlexNet.cu")) {
      source = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
    for (String constant : List.of("GEMM_THREADS", "EW_THREADS")) {
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("constexpr int " + constant + " = (\\d+);").matcher(source);
      assertEquals(true, m.find(), constant + " in MiniAlexNet.cu");
      assertEquals(Device.BLOCK_THREADS, Integer.parseInt(m.group(1)), constant);
    }
  }

  /** {@code steps} SGD steps on both engines from the same weights and dropout seed; losses and weights agree. */
  private static void compareTraining(CompiledNetwork cpu, CompiledNetwork host, List<Device> on, int batch, int steps) {
    cpu.initialize(5);
    host.initialize(5);
    Sgd sgd = new Sgd(cpu.parameters(), 0.9, 5e-4);
    double rate = 0.01;
    try (CudaNetwork cuda = CudaNetwork.of(host, on)) {
      cuda.pushParameters(name -> null);
      for (int step = 0; step < steps; step++) {
        float[] input = random(batch * cpu.inputSize(), 100 + step);
        int[] labels = new int[batch];
        for (int n = 0; n < batch; n++) {
          labels[n] = (n * 7 + step) % cpu.outputSize();
        }
        float[] cpuOut = cpu.forward(input, batch, true).clone();
        double cpuLoss = cpu.backward(labels, null);
        sgd.step(cpu.parameters(), rate);
        float[] cudaOut = cuda.forward(input, batch, true);
        double cudaLoss = cuda.backward(labels);
        cuda.update(rate, 0.9, 5e-4);
        Reference.assertClose("step " + step + " output", cudaOut, cpuOut);
        assertEquals(cpuLoss, cudaLoss, 1e-4 * Math.abs(cpuLoss), "step " + step + " loss");
      }
      List<float[]> velocities = new ArrayList<>();
      cuda.pullParameters(name -> {
        float[] v = new float[host.parameter(name).size()];
        velocities.add(v);
        return v;
      });
      int i = 0;
      for (Parameter p : cpu.parameters()) {
        Parameter q = host.parameter(p.name());
        Reference.assertClose(p.name() + " after " + steps + " steps", q.value, p.value);
        Reference.assertClose(p.name() + " gradient of the last step", q.grad, p.grad);
        Reference.assertClose(p.name() + " momentum", velocities.get(i++), sgd.velocity(p.name()));
      }
      assertEquals(cpu.trainingSteps(), host.trainingSteps(), "both engines drew masks for the same steps");
    }
  }

  private static float[] random(int count, long seed) {
    return new Rng(seed).gaussians(count, 1);
  }
}
