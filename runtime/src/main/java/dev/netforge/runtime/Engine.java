package dev.netforge.runtime;

import dev.netforge.runtime.train.Sgd;

/**
 * Where a network's passes run: the CPU engine (the generated Java) or the CUDA engine (the generated kernels on
 * devices). Either way the host network ({@link #network()}) owns the parameters' names, shapes and initialization and
 * draws the dropout masks; {@link #toHost} and {@link #fromHost} move parameters and momentum between it and the engine.
 */
public interface Engine extends AutoCloseable {
  CompiledNetwork network();

  /** For logs: {@code cpu (2 threads)}, {@code cuda: tower 0 on cuda:0 …}. */
  String describe();

  /** The forward pass; the output {@code [batch, outputSize]} is valid until the next call. */
  float[] forward(float[] input, int batch, boolean training);

  /**
   * Softmax cross-entropy of the last forward pass and the backward pass from it.
   *
   * @param inputGradient receives ∂loss/∂input, or {@code null}
   * @return the mean loss
   */
  double backward(int[] labels, float[] inputGradient);

  /** The backward pass from a given ∂loss/∂output (networks without {@code @Softmax}). */
  void backward(float[] gradOutput, float[] inputGradient);

  /**
   * The last backward pass's parameter gradients into the host network's {@link Parameter#grad} arrays, each the
   * gradient of the loss's mean over the global batch ({@link CompiledNetwork#shareOfBatch}): what data-parallel
   * training then sums over the processes.
   */
  void gradientsToHost();

  /** The host network's gradients (the sums over the processes) into the engine: what the next {@link #update} applies. */
  void gradientsFromHost();

  /** The paper's update of every parameter with {@code sgd}'s momentum and weight decay. */
  void update(Sgd sgd, double learningRate);

  /** Parameters, their last gradients and the momentum into the host network and {@code sgd} (may be null). */
  void toHost(Sgd sgd);

  /** Parameters from the host network and momentum from {@code sgd} (zero when null) into the engine. */
  void fromHost(Sgd sgd);

  @Override
  void close();
}
