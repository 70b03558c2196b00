package dev.netforge.processor.plan;

/**
 * The part of a parametric layer one tower computes: one group's output channels (or units) that fall in the
 * tower's share, and the input channels that group reads.
 *
 * @param tower the tower computing it
 * @param inStart first input channel read (for a dense layer: first input feature)
 * @param inCount input channels read (for a dense layer: input features)
 * @param outStart first output channel (or unit) written
 * @param outCount output channels (or units) written
 */
public record TowerSlice(int tower, int inStart, int inCount, int outStart, int outCount) {
  /** Whether the two slices read some of the same input channels (so both write those channels' gradient). */
  public boolean readsSameInputAs(TowerSlice other) {
    return inStart < other.inStart + other.inCount && other.inStart < inStart + inCount;
  }
}
