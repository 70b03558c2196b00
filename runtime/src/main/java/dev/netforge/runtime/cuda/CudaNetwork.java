package dev.netforge.runtime.cuda;

import dev.netforge.runtime.CompiledNetwork;
import dev.netforge.runtime.Parameter;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * What every generated {@code <Network>Cuda} launcher is: a network's towers placed on devices (tower t on device
 * t mod count), each tower's buffers in one allocation planned per batch size, and the passes the processor wrote as
 * kernel launches and exchanges. The host network ({@link CompiledNetwork}) keeps the parameters between runs and
 * draws the dropout masks, so the CPU and CUDA engines given the same seed drop the same units.
 *
 * <p>Each tower holds every activation at full size and computes its own channels; an exchange copies the slices it
 * needs from the other towers to the same place in its own buffers, in the receiving device's order after an event of
 * the sending one, so that neither the host nor the sender waits for it and each device computes while the other
 * copies. Each device is driven by a thread of its own ({@link DeviceWorker}). Not thread-safe.
 *
 * <p>With {@code -Dnetforge.cuda.sync=true} every launch is waited for, so that a kernel that faults is named (the
 * generated kernel names carry the stage and tower: {@code conv2_forward_t1}) where it fails, not at some later copy
 * on either device's thread. It costs the overlap of host and devices; for finding faults, not for runs.
 */
public abstract class CudaNetwork implements AutoCloseable {
  /** Name of the softmax cross-entropy kernel every softmax network's module has. */
  private static final String SOFTMAX = "softmax_xent";

  /**
   * One buffer of every tower: {@code fixed + perImage × batch} floats (or ints).
   *
   * @param zeroed whether the engine relies on the zeros {@link Device#allocate} gives it: the ∂input pass's
   *     partial gradients, where a tower writes only the channels its slices read, and the parameters' gradients,
   *     which a pull downloads before any backward pass; every other buffer is written before it is read
   */
  public record Buffer(String name, long fixed, long perImage, boolean zeroed) {}

  /** A parameter's value, gradient and momentum buffers, and the part {@code [start, start + count)} each tower trains. */
  public record ParameterSlices(String name, int value, int grad, int velocity, long[] start, long[] count) {}

  /** The generated plan of buffers: the table, the parameters, and the buffers the base class reads and writes. */
  public record Layout(
      List<Buffer> buffers,
      List<ParameterSlices> parameters,
      int input,
      int inputGradient,
      int output,
      int outputGradient,
      int labels,
      int losses) {}

  private final CompiledNetwork host;
  private final Device[] towerDevice;
  private final List<DeviceWorker> workers;
  private final Layout layout;
  private final int towers;
  /** Whether every launch is waited for ({@code -Dnetforge.cuda.sync=true}). */
  private final boolean synchronous = Boolean.getBoolean("netforge.cuda.sync");
  private long[] arena;
  private long[][] address;
  private int plannedBatch;
  private int batch;
  private boolean forwardDone;
  private boolean training;
  private float[] maskBuffer = new float[0];

  protected CudaNetwork(CompiledNetwork host, List<Device> devices, Layout layout) {
    if (devices.isEmpty()) {
      throw new IllegalArgumentException("the CUDA engine needs at least one device");
    }
    this.host = host;
    this.layout = layout;
    this.towers = host.towers();
    this.towerDevice = new Device[towers];
    KernelModule kernels = new KernelModule(host.name(), resource(host, ".cu", true), resource(host, ".ptx", false));
    // One worker thread per device: each queues its towers' launches while the host goes on to the next tower.
    Map<Device, DeviceWorker> byDevice = new IdentityHashMap<>();
    try {
      for (int t = 0; t < towers; t++) {
        Device device = devices.get(t % devices.size());
        DeviceWorker worker = byDevice.get(device);
        if (worker == null) {
          worker = new DeviceWorker(device);
          byDevice.put(device, worker);
          worker.load(kernels);
        }
        towerDevice[t] = worker;
      }
    } catch (RuntimeException e) {
      byDevice.values().forEach(DeviceWorker::stop);
      throw e;
    }
    this.workers = List.copyOf(byDevice.values());
  }

  /** The generated launcher of a network: the class {@code <network class>Cuda} beside it. */
  public static CudaNetwork of(CompiledNetwork host, List<Device> devices) {
    String name = host.getClass().getName() + "Cuda";
    try {
      return (CudaNetwork)
          Class.forName(name, true, host.getClass().getClassLoader())
              .getConstructor(host.getClass(), List.class)
              .newInstance(host, devices);
    } catch (ClassNotFoundException e) {
      throw new IllegalArgumentException("no CUDA launcher " + name + " for " + host.name() + " (was it compiled with the netforge processor?)", e);
    } catch (InvocationTargetException e) {
      // The launcher's own failure (kernels that do not load, a device that fails) is the one to report.
      if (e.getCause() instanceof RuntimeException cause) {
        throw cause;
      }
      throw new IllegalStateException("cannot create " + name + ": " + e.getCause(), e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot create " + name + ": " + e, e);
    }
  }

  /** The generated file {@code <Network><suffix>} beside the network's class, or null when it is optional and absent. */
  private static String resource(CompiledNetwork host, String suffix, boolean required) {
    String resource = host.getClass().getSimpleName() + suffix;
    try (InputStream in = host.getClass().getResourceAsStream(resource)) {
      if (in == null) {
        if (!required) {
          return null;
        }
        throw new CudaException(resource + " is not on the classpath beside " + host.getClass().getName() + "; the netforge processor writes it");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new CudaException("cannot read " + resource + ": " + e.getMessage(), e);
    }
  }

  public final CompiledNetwork host() {
    return host;
  }

  /** Which device runs each tower. */
  public final List<String> placement() {
    List<String> result = new ArrayList<>();
    for (int t = 0; t < towers; t++) {
      result.add("tower " + t + " on " + towerDevice[t].describe());
    }
    return result;
  }

  /** The host network's parameters to every tower, and the momentum from {@code velocity} (zero where it gives null). */
  public final void pushParameters(Function<String, float[]> velocity) {
    ensurePlanned(Math.max(plannedBatch, 1));
    for (ParameterSlices p : layout.parameters()) {
      float[] value = host.parameter(p.name()).value;
      float[] v = velocity.apply(p.name());
      for (int t = 0; t < towers; t++) {
        towerDevice[t].upload(at(t, p.value()), value, 0, value.length);
        towerDevice[t].upload(at(t, p.velocity()), v != null ? v : new float[value.length], 0, value.length);
      }
    }
  }

  /** Each tower's part of every parameter and gradient back into the host network, and of the momentum into {@code velocity}. */
  public final void pullParameters(Function<String, float[]> velocity) {
    for (ParameterSlices p : layout.parameters()) {
      Parameter parameter = host.parameter(p.name());
      float[] v = velocity.apply(p.name());
      download(p, p.value(), parameter.value);
      download(p, p.grad(), parameter.grad);
      if (v != null) {
        download(p, p.velocity(), v);
      }
    }
  }

  /** Each tower's part of every parameter's gradient of the last backward pass into the host network's gradients. */
  public final void pullGradients() {
    for (ParameterSlices p : layout.parameters()) {
      download(p, p.grad(), host.parameter(p.name()).grad);
    }
  }

  /** The host network's gradients to the towers, each its part: what the next {@link #update} applies. */
  public final void pushGradients() {
    for (ParameterSlices p : layout.parameters()) {
      float[] grad = host.parameter(p.name()).grad;
      for (int t = 0; t < towers; t++) {
        int start = Math.toIntExact(p.start()[t]);
        towerDevice[t].upload(at(t, p.grad()) + 4L * start, grad, start, Math.toIntExact(p.count()[t]));
      }
    }
  }

  /** Each tower's part of one of a parameter's buffers into {@code into}, where the host keeps the whole. */
  private void download(ParameterSlices p, int buffer, float[] into) {
    for (int t = 0; t < towers; t++) {
      int start = Math.toIntExact(p.start()[t]);
      towerDevice[t].download(at(t, buffer) + 4L * start, into, start, Math.toIntExact(p.count()[t]));
    }
  }

  /**
   * Runs the forward pass on the devices.
   *
   * @return the output {@code [batch, outputSize]}, copied to the host
   */
  public final float[] forward(float[] input, int batchSize, boolean training) {
    int inputSize = host.inputSize();
    if (batchSize <= 0 || input.length < (long) batchSize * inputSize) {
      throw new IllegalArgumentException(host.name() + " expects " + batchSize + " × " + inputSize + " input floats, got " + input.length);
    }
    if (batchSize > Device.MAX_GRID_YZ) {
      // The generated convolution launches put the batch in gridDim.z: refuse before allocating for it.
      throw new IllegalArgumentException(String.format(Locale.ROOT,
          "a batch of %,d is more than the CUDA engine takes at once (%,d, the GPU's largest gridDim.z); use a smaller --batch",
          batchSize, Device.MAX_GRID_YZ));
    }
    ensurePlanned(batchSize);
    batch = batchSize;
    betweenSteps();
    for (int t = 0; t < towers; t++) {
      towerDevice[t].upload(at(t, layout.input()), input, 0, batchSize * inputSize);
    }
    if (training) {
      host.nextTrainingStep();
    }
    forwardPass(batchSize, training);
    this.training = training;
    forwardDone = true;
    float[] output = new float[batchSize * host.outputSize()];
    towerDevice[0].download(at(0, layout.output()), output, 0, output.length);
    return output;
  }

  /** Softmax cross-entropy of the last forward pass and the backward pass from it; returns the mean loss. */
  public final double backward(int[] labels) {
    if (!host.hasSoftmax()) {
      throw new IllegalStateException(host.name() + " has no @Softmax output; pass ∂loss/∂output to backward(float[])");
    }
    requireForward();
    for (int n = 0; n < batch; n++) {
      if (labels[n] < 0 || labels[n] >= host.outputSize()) {
        throw new IllegalArgumentException("label " + labels[n] + " of example " + n + " is outside [0, " + host.outputSize() + ")");
      }
    }
    for (int t = 0; t < towers; t++) {
      towerDevice[t].upload(at(t, layout.labels()), labels, 0, batch);
      launch(t, SOFTMAX, blocks(batch, 1), 1, 1, at(t, layout.output()), at(t, layout.labels()), at(t, layout.outputGradient()), at(t, layout.losses()), batch);
    }
    float[] losses = new float[batch];
    towerDevice[0].download(at(0, layout.losses()), losses, 0, batch);
    backwardPass(batch, training);
    double total = 0;
    for (float loss : losses) {
      total += loss;
    }
    return total / batch;
  }

  /** The backward pass from a given ∂loss/∂output (networks without {@code @Softmax}). */
  public final void backward(float[] gradOutput) {
    requireForward();
    for (int t = 0; t < towers; t++) {
      towerDevice[t].upload(at(t, layout.outputGradient()), gradOutput, 0, batch * host.outputSize());
    }
    backwardPass(batch, training);
  }

  /** ∂loss/∂input of the last backward pass, summed over the towers' partial gradients, into {@code into}. */
  public final void inputGradient(float[] into) {
    requireForward();
    inputGradientPass(batch, training);
    int count = batch * host.inputSize();
    float[] part = new float[count];
    Arrays.fill(into, 0, count, 0f);
    for (int t = 0; t < towers; t++) {
      towerDevice[t].download(at(t, layout.inputGradient()), part, 0, count);
      for (int i = 0; i < count; i++) {
        into[i] += part[i];
      }
    }
  }

  /** The paper's update of every parameter on the devices: {@code v ← μv − λεw − ε∂w; w ← w + v}. */
  public final void update(double learningRate, double momentum, double weightDecay) {
    updatePass((float) momentum, (float) (weightDecay * learningRate), (float) learningRate);
  }

  /**
   * Frees the devices' memory and ends their worker threads, all of it even when a step fails (the first failure is
   * reported, later ones suppressed); the devices themselves stay open.
   */
  @Override
  public void close() {
    Cleanup cleanup = new Cleanup();
    cleanup.run(this::release);
    workers.forEach(worker -> cleanup.run(worker::stop));
    cleanup.finish();
  }

  private void release() {
    if (arena == null) {
      return;
    }
    // An exchange copy queued on one device reads another tower's memory, and the host may have waited only for
    // its own tower (a forward pass waits for tower 0's output): every device finishes before any memory goes. A
    // worker that failed has run (or skipped) its queue all the same, so memory is freed after a failure too.
    Cleanup cleanup = new Cleanup();
    for (DeviceWorker worker : workers) {
      cleanup.run(worker::synchronize);
    }
    long[] freed = arena;
    arena = null;
    for (int t = 0; t < towers; t++) {
      Device device = towerDevice[t];
      long address = freed[t];
      cleanup.run(() -> device.free(address));
    }
    cleanup.finish();
  }

  private void requireForward() {
    if (!forwardDone) {
      throw new IllegalStateException("call forward before backward");
    }
  }

  /** Device bytes one tower holds at this batch size. */
  public final long bytesPerTower(int batchSize) {
    long bytes = 0;
    for (Buffer b : layout.buffers()) {
      bytes += alignedBytes(b, batchSize);
    }
    return bytes;
  }

  private void ensurePlanned(int batchSize) {
    if (batchSize <= plannedBatch) {
      return;
    }
    Map<String, float[]> velocity = null;
    if (arena != null) {
      // Parameters and momentum live on the devices between steps: carry them across the re-plan.
      velocity = new HashMap<>();
      for (ParameterSlices p : layout.parameters()) {
        velocity.put(p.name(), new float[host.parameter(p.name()).size()]);
      }
      pullParameters(velocity::get);
      release();
    }
    arena = new long[towers];
    address = new long[towers][layout.buffers().size()];
    for (int t = 0; t < towers; t++) {
      arena[t] = towerDevice[t].allocate(bytesPerTower(batchSize));
      long offset = 0;
      for (int b = 0; b < layout.buffers().size(); b++) {
        address[t][b] = arena[t] + offset;
        long bytes = alignedBytes(layout.buffers().get(b), batchSize);
        if (!layout.buffers().get(b).zeroed()) {
          towerDevice[t].markWrittenBeforeRead(address[t][b], bytes);
        }
        offset += bytes;
      }
    }
    plannedBatch = batchSize;
    if (velocity != null) {
      pushParameters(velocity::get);
    }
  }

  /** A buffer's bytes rounded up to 256, the alignment cudaMalloc gives, so every buffer starts coalesced. */
  private static long alignedBytes(Buffer buffer, int batchSize) {
    return (4 * (buffer.fixed() + buffer.perImage() * batchSize) + 255) / 256 * 256;
  }

  // ---- What the generated passes call.

  protected abstract void forwardPass(int batchSize, boolean training);

  /** The backward pass; {@code training} says whether the forward pass before it drew dropout masks. */
  protected abstract void backwardPass(int batchSize, boolean training);

  /** The first layer's ∂input, each tower's partial sum into its input-gradient buffer. */
  protected abstract void inputGradientPass(int batchSize, boolean training);

  protected abstract void updatePass(float momentum, float decay, float rate);

  /** Device address of a buffer on a tower. */
  protected final long at(int tower, int buffer) {
    return address[tower][buffer];
  }

  /**
   * Launches {@code kernel} for {@code tower}; refuses a grid no GPU runs, and with {@code -Dnetforge.cuda.sync=true}
   * waits for it and names it when it fails.
   */
  protected final void launch(int tower, String kernel, int gridX, int gridY, int gridZ, long... args) {
    if (gridY > Device.MAX_GRID_YZ || gridZ > Device.MAX_GRID_YZ) {
      throw new CudaException(String.format(Locale.ROOT,
          "%s: kernel %s of tower %d needs %d × %d × %d blocks; a GPU launches at most %,d in y and z",
          host.name(), kernel, tower, gridX, gridY, gridZ, Device.MAX_GRID_YZ));
    }
    Device device = towerDevice[tower];
    device.launch(host.name(), kernel, gridX, gridY, gridZ, args);
    if (synchronous) {
      try {
        device.synchronize();
      } catch (RuntimeException e) {
        throw new CudaException(host.name() + ": kernel " + kernel + " of tower " + tower + " on " + device.describe() + " failed: " + e.getMessage(), e);
      }
    }
  }

  /** Blocks of {@link Device#BLOCK_THREADS} covering {@code batch × perImage} elements. */
  protected static int blocks(int batchSize, long perImage) {
    return Math.toIntExact((batchSize * perImage + Device.BLOCK_THREADS - 1) / Device.BLOCK_THREADS);
  }

  /**
   * Orders every tower's next work after all towers' work so far. An exchange copy runs in the receiving tower's
   * order and reads the sender's buffer; nothing in one pass writes a buffer after sending it, but the next step's
   * forward pass does, so it waits for the copies of the last one. Devices wait on each other, not the host.
   */
  private void betweenSteps() {
    for (int t = 0; t < towers; t++) {
      for (int u = 0; u < towers; u++) {
        after(t, u);
      }
    }
  }

  /** Orders tower {@code t}'s next work after the work issued so far to tower {@code u}'s device. */
  private void after(int t, int u) {
    if (towerDevice[t] != towerDevice[u]) {
      towerDevice[t].waitFor(towerDevice[u].recordEvent());
    }
  }

  /** All-gather: every tower receives the other towers' slices of an activation (each tower owns 1/towers of an example). */
  protected final void gather(int buffer, long perImage) {
    long slice = 4 * (perImage / towers);
    for (int t = 0; t < towers; t++) {
      for (int u = 0; u < towers; u++) {
        if (u != t) {
          after(t, u);
          towerDevice[t].copyRows(at(t, buffer) + u * slice, 4 * perImage, towerDevice[u], at(u, buffer) + u * slice, 4 * perImage, slice, batch);
        }
      }
    }
  }

  /**
   * Reduce: each tower adds the other towers' partial sums of its own slice of a gradient, received through
   * {@code staging}, in tower order.
   */
  protected final void reduce(int buffer, long perImage, int staging) {
    long slice = perImage / towers;
    for (int t = 0; t < towers; t++) {
      for (int u = 0; u < towers; u++) {
        if (u != t) {
          after(t, u);
          towerDevice[t].copyRows(at(t, staging), 4 * slice, towerDevice[u], at(u, buffer) + 4 * t * slice, 4 * perImage, 4 * slice, batch);
          launch(t, "add_rows", blocks(batch, slice), 1, 1, at(t, buffer) + 4 * t * slice, at(t, staging), batch, slice, perImage);
        }
      }
    }
  }

  /**
   * Reduce of a gradient every tower holds whole (what LRN or pooling made of the input before a first layer whose
   * towers all read it): tower 0 adds the other towers' copies, received through {@code staging}, in tower order; the
   * stages before then run backward on tower 0 alone.
   */
  protected final void reduceWhole(int buffer, long perImage, int staging) {
    for (int u = 1; u < towers; u++) {
      after(0, u);
      towerDevice[0].copyRows(at(0, staging), 4 * perImage, towerDevice[u], at(u, buffer), 4 * perImage, 4 * perImage, batch);
      launch(0, "add_rows", blocks(batch, perImage), 1, 1, at(0, buffer), at(0, staging), batch, perImage, perImage);
    }
  }

  /**
   * Draws stage {@code layer}'s dropout mask through the host network, as its CPU pass would (same seed, step, layer
   * and examples: their indices in the global batch when this process computes a share of it) and sends it to every
   * tower.
   */
  protected final void drawMask(int buffer, int layer, long perImage, double rate) {
    int count = Math.toIntExact(batch * perImage);
    if (maskBuffer.length < count) {
      maskBuffer = new float[count];
    }
    host.drawMask(layer, maskBuffer, batch, Math.toIntExact(perImage), (float) rate);
    for (int t = 0; t < towers; t++) {
      towerDevice[t].upload(at(t, buffer), maskBuffer, 0, count);
    }
  }

  /** The update of {@code count} elements of a parameter from {@code start} on one tower. */
  protected final void update(int tower, int value, int grad, int velocity, long start, long count, float momentum, float decay, float rate) {
    long offset = 4 * start;
    launch(tower, "sgd_update", blocks(1, count), 1, 1, at(tower, value) + offset, at(tower, velocity) + offset, at(tower, grad) + offset,
        count, Device.floatArg(momentum), Device.floatArg(decay), Device.floatArg(rate));
  }
}
