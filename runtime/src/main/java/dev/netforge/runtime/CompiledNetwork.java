package dev.netforge.runtime;

import dev.netforge.runtime.nn.Dropout;
import dev.netforge.runtime.nn.SoftmaxCrossEntropy;
import dev.netforge.runtime.nn.Stage;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * What every generated network is: its parameters, a forward pass, a backward pass, and the buffers both need,
 * planned once per batch size. The netforge processor writes one subclass per {@code @Network} interface; this class
 * holds what does not depend on the layers.
 *
 * <p>Not thread-safe: one network instance trains or infers on one thread at a time (its kernels use the
 * {@link Parallel#shared() shared worker pool} internally, its towers each a share of it: {@link #towers(IntConsumer)}).
 */
public abstract class CompiledNetwork {
  /** Weight initialization, mirroring {@code dev.netforge.dsl.Init} (the runtime does not depend on the DSL). */
  public enum Init {
    PAPER,
    HE
  }

  private final String name;
  private final int towers;
  private final int[] inputShape;
  private final int[] outputShape;
  private final int outputSize;
  private final boolean softmax;
  private final Init init;
  private final BufferPlan buffers;
  private final Map<String, Parameter> parameters = new LinkedHashMap<>();
  /** {@link #parameters()}, made once: the SGD step asks for it every step. */
  private List<Parameter> parameterList;
  /** Each tower's per-worker im2col and partial-gradient buffers (the towers run side by side). */
  private final Scratch[] scratch;
  /** The key of every dropout mask this network draws ({@link Dropout#drawMask}); saved in checkpoints. */
  private long dropoutSeed;
  /** Training passes run so far: the step a mask is drawn for; saved in checkpoints so a resumed run goes on. */
  private long trainingSteps;
  /** The index in the global batch of this process's first example ({@link #shareOfBatch}); 0 alone. */
  private long firstExample;
  /** The global batch the loss is the mean over ({@link #shareOfBatch}); 0: the pass's own batch. */
  private int globalBatch;

  private int plannedBatch;
  /** The batch the gradient buffers are planned for: 0 until the first backward pass, so inference plans none. */
  private int gradientBatch;
  private int batch;
  private float[] output;
  private float[] outputGradient;
  private boolean trainingPass;
  /** Who hears, during a backward pass, that parameters' gradients are final ({@link #whenGradientsReady}). */
  private GradientsReady readyListener = GradientsReady.NOBODY;

  protected CompiledNetwork(
      String name, int towers, int[] inputShape, int[] outputShape, boolean softmax, Init init, BufferPlan buffers) {
    this.name = name;
    this.towers = towers;
    this.inputShape = inputShape.clone();
    this.outputShape = outputShape.clone();
    this.outputSize = Math.toIntExact(Arrays.stream(outputShape).asLongStream().reduce(1, Math::multiplyExact));
    this.softmax = softmax;
    this.init = init;
    this.buffers = buffers;
    this.scratch = new Scratch[towers];
    for (int t = 0; t < towers; t++) {
      scratch[t] = new Scratch(Parallel.shared().threads());
    }
  }

  /** Tower {@code tower}'s scratch buffers. */
  protected final Scratch scratch(int tower) {
    return scratch[tower];
  }

  /**
   * Runs {@code body} for every tower, side by side when there are threads enough ({@link Parallel#towers}); returns
   * when all have finished, which is the barrier in front of a tower exchange.
   */
  protected final void towers(IntConsumer body) {
    Parallel.shared().towers(towers, body);
  }

  /**
   * Called by the generated backward pass as soon as {@link #parameters()} {@code first .. first+count-1} hold their
   * final gradients for this pass: after the backward of the layers (or the tower region) that own them, last layer
   * first, so that those gradients can travel (summed over processes) while the layers before them compute.
   */
  protected final void gradientsReady(int first, int count) {
    readyListener.ready(first, count);
  }

  /**
   * Has every backward pass from now on tell {@code listener}, on the thread that runs it, which parameters' gradients
   * are final as soon as they are ({@link GradientsReady#NOBODY}: nobody, as at first). The ranges come last parameter
   * first and meet, but need not cover every parameter (not those of a backward pass that did not run).
   */
  public final void whenGradientsReady(GradientsReady listener) {
    readyListener = listener;
  }

  /** Hears that parameters' gradients are final for the running backward pass ({@link #whenGradientsReady}). */
  @FunctionalInterface
  public interface GradientsReady {
    /** Hears nothing. */
    GradientsReady NOBODY = (first, count) -> {};

    /** {@link #parameters()} {@code first .. first+count-1} hold their final gradients for this backward pass. */
    void ready(int first, int count);
  }

  /** Declares a parameter; generated constructors call this in PyTorch's state_dict order. */
  protected final Parameter parameter(String paramName, int fanIn, boolean bias, float initialBias, int... shape) {
    Parameter p = new Parameter(paramName, shape, fanIn, bias, initialBias);
    parameters.put(paramName, p);
    parameterList = null;
    return p;
  }

  /** Allocates the forward pass's buffers (activations, masks, what backward keeps) for {@code batchSize} examples. */
  protected abstract void planForward(int batchSize);

  /** Allocates the gradient buffers for {@code batchSize} examples; called at the first backward pass after a larger forward. */
  protected abstract void planBackward(int batchSize);

  /** The fused forward pass; returns the array holding the output, {@code [batch, outputSize]}. */
  protected abstract float[] forwardPass(float[] input, int batchSize, boolean training);

  /**
   * The fused backward pass from ∂loss/∂output (overwritten); fills every parameter's gradient and, when
   * {@code inputGradient} is not null, ∂loss/∂input.
   */
  protected abstract void backwardPass(float[] outputGradient, int batchSize, float[] inputGradient);

  /** The layer table: each stage's operation, output shape, parameters and multiply-adds. */
  public abstract String summary();

  /**
   * Hands each of the network's stages to {@code stages}, by name, in the forward pass's order. Generated networks
   * list theirs; one that lists none has nothing for {@link #profileStages} to time.
   */
  protected void stages(StageProfile.Stages stages) {}

  /**
   * Times every stage's passes from now on, until {@link StageProfile#stop} ({@code bench --stages}). Call it between
   * passes, on the thread that runs them.
   */
  public final StageProfile profileStages() {
    return new StageProfile(this);
  }

  public final String name() {
    return name;
  }

  public final int towers() {
    return towers;
  }

  /** Channels, height, width of one input example. */
  public final int[] inputShape() {
    return inputShape.clone();
  }

  public final int inputSize() {
    return inputShape[0] * inputShape[1] * inputShape[2];
  }

  /** Output floats per example: units (classes for a softmax network), or C·H·W for a feature map. */
  public final int outputSize() {
    return outputSize;
  }

  /** One example's output dimensions: {@code [units]} after a dense layer, {@code [C, H, W]} for a feature map. */
  public final int[] outputShape() {
    return outputShape.clone();
  }

  /** The output's dimensions for {@code batch} examples: {@code [batch, outputShape...]}. */
  public final int[] batchOutputShape(int batch) {
    int[] shape = new int[outputShape.length + 1];
    shape[0] = batch;
    System.arraycopy(outputShape, 0, shape, 1, outputShape.length);
    return shape;
  }

  /** Whether the output is trained with softmax cross-entropy ({@code @Softmax}). */
  public final boolean hasSoftmax() {
    return softmax;
  }

  public final Init init() {
    return init;
  }

  /** What the network's buffers take per example, which sets the memory a batch size takes. */
  public final BufferPlan buffers() {
    return buffers;
  }

  /** The batch size the buffers are planned for now: the largest passed to {@link #forward} so far (0 before). */
  public final int plannedBatch() {
    return plannedBatch;
  }

  /** Parameters in PyTorch's state_dict order. */
  public final List<Parameter> parameters() {
    if (parameterList == null) {
      parameterList = List.copyOf(parameters.values());
    }
    return parameterList;
  }

  /** The parameter of that name, or an error listing the names there are. */
  public final Parameter parameter(String paramName) {
    Parameter p = parameters.get(paramName);
    if (p == null) {
      throw new IllegalArgumentException(name + " has no parameter " + paramName + "; it has " + parameters.keySet());
    }
    return p;
  }

  public final long parameterCount() {
    return parameters.values().stream().mapToLong(Parameter::size).sum();
  }

  /** The seed of the dropout masks, set by {@link #initialize} or {@link #restoreDropout}. */
  public final long dropoutSeed() {
    return dropoutSeed;
  }

  /** Training passes run so far, each with its own masks. */
  public final long trainingSteps() {
    return trainingSteps;
  }

  /** Sets where the dropout masks stand (from a checkpoint, or to make two networks draw alike). */
  public final void restoreDropout(long seed, long steps) {
    dropoutSeed = seed;
    trainingSteps = steps;
  }

  /**
   * Starts a training pass: its masks are the next step's. The CPU passes call it themselves; the CUDA engine calls
   * it for the host network whose masks it draws.
   */
  public final void nextTrainingStep() {
    trainingSteps++;
  }

  /**
   * Says that the next passes compute examples {@code [firstExample, firstExample + batch)} of a global batch of
   * {@code globalBatch} split over processes (data parallelism): dropout masks are drawn for those examples' indices,
   * and {@link #backward(int[], float[])} gives the gradient of the loss's mean over the global batch, so the
   * processes' gradients summed are the global batch's; every stage cuts its sums over examples into leaves as the
   * global batch's tree does ({@link Stage#shareOfBatch}). {@code shareOfBatch(0, 0)}: a batch of one's own (the
   * default).
   */
  public final void shareOfBatch(long firstExample, int globalBatch) {
    if (firstExample < 0 || globalBatch < 0) {
      throw new IllegalArgumentException("share of a batch: first example " + firstExample + " and global batch " + globalBatch + " must not be negative");
    }
    this.firstExample = firstExample;
    if (globalBatch != this.globalBatch) {
      stages((name, multiplyAdds, objects) -> {
        for (Stage s : objects) {
          s.shareOfBatch(globalBatch);
        }
      });
    }
    this.globalBatch = globalBatch;
  }

  /** Draws stage {@code layer}'s dropout mask for the running training pass; generated forward passes call it. */
  protected final void drawMask(int layer, float[] mask, int perExample, float rate) {
    drawMask(layer, mask, batch, perExample, rate);
  }

  /**
   * Draws stage {@code layer}'s dropout mask for {@code batchSize} examples of the running training pass, keyed by
   * their indices in the global batch ({@link #shareOfBatch}): what an engine that runs the passes elsewhere (the CUDA
   * engine) sends to its devices, so that every engine and every split of the batch over processes drops the same units.
   */
  public final void drawMask(int layer, float[] mask, int batchSize, int perExample, float rate) {
    Dropout.drawMask(dropoutSeed, trainingSteps, layer, firstExample, mask, batchSize, perExample, rate);
  }

  /**
   * What turns the gradient of the loss's mean over this process's {@code batchSize} examples into the gradient of its
   * mean over the global batch ({@link #shareOfBatch}): {@code batchSize / globalBatch}, or 1 for a batch of one's own.
   */
  public final float shareOfLoss(int batchSize) {
    return globalBatch > 0 && globalBatch != batchSize ? (float) ((double) batchSize / globalBatch) : 1f;
  }

  /**
   * Initializes every parameter as declared: weights from N(0, 0.01²) ({@code PAPER}) or N(0, 2/fan_in) ({@code HE}),
   * biases to their declared constants; also seeds the dropout masks.
   */
  public void initialize(long seed) {
    Rng rng = new Rng(seed);
    for (Parameter p : parameters.values()) {
      double std = init == Init.PAPER ? 0.01 : Math.sqrt(2.0 / p.fanIn());
      p.initialize(rng, std);
    }
    restoreDropout(rng.nextLong(), 0);
  }

  /**
   * Runs the forward pass on {@code batchSize} examples laid out NCHW in {@code input}.
   *
   * @param training draw dropout masks (else dropout is the identity)
   * @return the output, {@code [batchSize, outputShape...]} flattened in C, H, W order; valid until the next call
   */
  public final float[] forward(float[] input, int batchSize, boolean training) {
    if (batchSize <= 0) {
      throw new IllegalArgumentException("batch size " + batchSize + " must be positive");
    }
    long need = (long) batchSize * inputSize();
    if (input.length < need) {
      throw new IllegalArgumentException(
          name + " expects input [" + batchSize + ", " + inputShape[0] + ", " + inputShape[1] + ", " + inputShape[2] + "] = "
              + need + " floats, got " + input.length);
    }
    if (batchSize > plannedBatch) {
      plan(batchSize, false);
      output = null;
      plannedBatch = batchSize;
    }
    batch = batchSize;
    trainingPass = training;
    if (training) {
      nextTrainingStep();
    }
    output = forwardPass(input, batchSize, training);
    return output;
  }

  /** Mean softmax cross-entropy of the last forward pass against {@code labels}, without a backward pass. */
  public final double loss(int[] labels) {
    requireSoftmax();
    requireForward();
    return SoftmaxCrossEntropy.lossAndGradient(output, labels, batch, outputSize, null);
  }

  /**
   * Loss of the last forward pass (its mean over this pass's examples) and the backward pass from it; fills every
   * parameter's gradient, that of the mean over the global batch when this pass is a {@link #shareOfBatch share} of one.
   */
  public final double backward(int[] labels, float[] inputGradient) {
    requireSoftmax();
    requireForward();
    requireGradients();
    double loss = SoftmaxCrossEntropy.lossAndGradient(output, labels, batch, outputSize, outputGradient);
    float share = shareOfLoss(batch);
    if (share != 1f) {
      // (softmax − onehot)/batch × batch/globalBatch: exact when the share is the global batch over a power of two.
      for (int i = 0; i < batch * outputSize; i++) {
        outputGradient[i] *= share;
      }
    }
    backwardPass(outputGradient, batch, checkedInputGradient(inputGradient));
    return loss;
  }

  /** The backward pass from a given ∂loss/∂output (for networks without {@code @Softmax}). */
  public final void backward(float[] gradOutput, float[] inputGradient) {
    requireForward();
    if (gradOutput.length < batch * outputSize) {
      throw new IllegalArgumentException("grad_output has " + gradOutput.length + " floats, expected " + batch * outputSize);
    }
    requireGradients();
    System.arraycopy(gradOutput, 0, outputGradient, 0, batch * outputSize);
    backwardPass(outputGradient, batch, checkedInputGradient(inputGradient));
  }

  /**
   * Plans the forward pass's buffers, or the gradients, for {@code batchSize} examples, refusing up front a batch that
   * cannot fit ({@link BufferPlan}).
   */
  private void plan(int batchSize, boolean gradients) {
    long maxHeap = Runtime.getRuntime().maxMemory();
    buffers.requirePlannable(name, batchSize, gradients, maxHeap);
    try {
      if (gradients) {
        planBackward(batchSize);
        outputGradient = new float[batchSize * outputSize];
      } else {
        planForward(batchSize);
      }
    } catch (OutOfMemoryError e) {
      // The buffers would fit an empty heap but not this one; the smaller batch planned before still works.
      throw new IllegalStateException(buffers.outOfHeap(name, batchSize, gradients, maxHeap) + ", and part of it is in use", e);
    }
  }

  /**
   * Plans the gradient buffers for the last forward pass's batch when they are smaller: for that batch rather than
   * the largest forward pass's, so that a batch too large to train can be followed by a smaller one that fits.
   */
  private void requireGradients() {
    if (gradientBatch < batch) {
      plan(batch, true);
      gradientBatch = batch;
    }
  }

  private float[] checkedInputGradient(float[] inputGradient) {
    if (inputGradient != null && inputGradient.length < batch * inputSize()) {
      throw new IllegalArgumentException("input gradient buffer too small: " + inputGradient.length);
    }
    return inputGradient;
  }

  /** The batch size of the last forward pass (and of the backward pass after it). */
  protected final int batch() {
    return batch;
  }

  /** Whether the last forward pass drew dropout masks (backward must follow a training pass to be meaningful). */
  public final boolean lastPassWasTraining() {
    return trainingPass;
  }

  private void requireSoftmax() {
    if (!softmax) {
      throw new IllegalStateException(name + " has no @Softmax output; pass ∂loss/∂output to backward(float[], float[])");
    }
  }

  private void requireForward() {
    if (output == null) {
      throw new IllegalStateException("call forward before loss or backward");
    }
  }

  /** Loads the generated network class of that fully qualified name. */
  public static CompiledNetwork instantiate(String className) {
    try {
      Class<?> type = Class.forName(className);
      if (type.isInterface()) {
        throw new IllegalArgumentException(className + " is an interface; pass the network class netforge generates from it (named by its"
            + " @Network, in the same package)");
      }
      if (!CompiledNetwork.class.isAssignableFrom(type)) {
        throw new IllegalArgumentException(className + " is not a netforge network (it does not extend CompiledNetwork)");
      }
      if (Modifier.isAbstract(type.getModifiers())) {
        throw new IllegalArgumentException(className + " is abstract; pass a network class netforge generated");
      }
      return (CompiledNetwork) type.getDeclaredConstructor().newInstance();
    } catch (ClassNotFoundException e) {
      throw new IllegalArgumentException("no network class " + className + " on the classpath", e);
    } catch (InvocationTargetException e) {
      // The constructor itself failed (its parameters did not fit the heap, say): that failure, not the wrapper.
      if (e.getCause() instanceof Error error) {
        throw error;
      }
      throw new IllegalArgumentException("cannot instantiate " + className + ": " + e.getCause(), e.getCause());
    } catch (NoSuchMethodException e) {
      throw new IllegalArgumentException(className + " has no constructor without parameters, which every network class netforge generates has", e);
    } catch (ReflectiveOperationException e) {
      throw new IllegalArgumentException("cannot instantiate " + className + ": " + e, e);
    }
  }

  @Override
  public String toString() {
    return name + Arrays.toString(inputShape) + " -> " + Arrays.toString(outputShape);
  }
}
