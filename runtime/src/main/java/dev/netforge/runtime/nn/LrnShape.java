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
}
