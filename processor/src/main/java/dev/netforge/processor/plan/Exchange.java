package dev.netforge.processor.plan;

/**
 * A transfer between towers that a layer needs because it reads every tower's inputs: forward, each tower gathers
 * the other towers' slices of the input; backward, the input gradient each tower computed is reduced onto the tower
 * that owns each slice.
 *
 * @param floatsPerImage activations received by all towers together per example, forward (and gradients sent back)
 */
public record Exchange(long floatsPerImage) {
  /** Bytes moved per example in one direction (float32). */
  public long bytesPerImage() {
    return floatsPerImage * Float.BYTES;
  }
}
