package dev.netforge.runtime.nn;

/**
 * Local response normalization settings: {@code b_i = a_i / (k + α Σ_j a_j²)^β} over {@code size} neighbouring
 * channels within each of {@code towers} equal channel ranges (α not divided by size, as in the paper).
 */
public record LrnShape(int channels, int plane, int size, float alpha, float beta, float k, int towers) {
  /** Channels in one tower's range. */
  public int towerChannels() {
    return channels / towers;
  }

  /** The first channel of channel c's window: {@code size / 2} below c, clamped to c's tower. */
  public int windowFirst(int c) {
    return Math.max(c - size / 2, c / towerChannels() * towerChannels());
  }

  /** The last channel of channel c's window: {@code size / 2} above c, clamped to c's tower. */
  public int windowLast(int c) {
    return Math.min(c + size / 2, (c / towerChannels() + 1) * towerChannels() - 1);
  }
}
